import { describe, expect, it } from 'vitest';
import { AGGREGATE_LIMITS, Aggregator } from '../src/aggregate/aggregator.js';
import { routeKeyOf } from '../src/aggregate/route-key.js';
import { StackTable } from '../src/aggregate/stack-table.js';
import { LatencySketch } from '../src/aggregate/latency.js';
import { flameOrder } from '../src/aggregate/route.js';
import { createProfiler, dashboardResponse, Report, SamplesBuilder, type ReportMeta } from '../src/index.js';

// Pure aggregation code on synthetic samples (stub recordings, named so): bounds, window, options.
// The real sampler's accuracy is in aggregate.serial.test.ts.

const frame = (functionName: string) => ({
  functionName,
  url: `file:///app/${functionName}.js`,
  lineNumber: 1,
  columnNumber: 1,
});

/** A stub report: `n` samples of one stack `names`, 1 ms each. */
function stubReport(meta: Partial<ReportMeta>, names: string[], n = 10): Report {
  const b = new SamplesBuilder();
  let s = -1;
  for (const name of names) s = b.stack(s, b.frame(frame(name)));
  for (let i = 1; i <= n; i++) b.sample(s, i * 1000);
  const samples = b.build(0, n * 1000, 1000);
  const full: ReportMeta = {
    id: `r${Math.random()}`,
    startedAt: new Date().toISOString(),
    duration: n,
    cpuTime: n,
    sampleCount: n,
    interval: 1000,
    sampler: 'inspector',
    truncated: false,
    ...meta,
  };
  return new Report(samples, full, {}, false, { sourceMaps: false });
}

const settings = { window: 60_000, exemplars: 2, every: 10_000, file: undefined };

describe('aggregate options', () => {
  it('rejects bad values with a TypeError naming the option', () => {
    expect(() => createProfiler({ dashboard: 'prof' })).toThrow(/option `dashboard`/);
    expect(() => createProfiler({ dashboard: '/_prof/' })).toThrow(/option `dashboard`/);
    expect(() => createProfiler({ aggregate: { window: 5 } })).toThrow(/option `aggregate.window`/);
    expect(() => createProfiler({ aggregate: { exemplars: -1 } })).toThrow(/option `aggregate.exemplars`/);
    expect(() => createProfiler({ aggregate: { file: '../x.html', outputDir: '/tmp' } as never })).toThrow(
      /unknown option `aggregate.outputDir`/,
    );
    expect(() => createProfiler({ aggregate: { file: 'a/b.html' }, outputDir: '/tmp' })).toThrow(
      /option `aggregate.file`/,
    );
    expect(() => createProfiler({ aggregate: { file: 'profiling.html' } })).toThrow(
      /`aggregate.file` must be used with outputDir/,
    );
    expect(() => createProfiler({ aggregate: 'yes' as never })).toThrow(/option `aggregate`/);
  });

  it('dashboard implies aggregate; neither means no aggregator', () => {
    const quiet = { info() {}, warn() {}, error() {} };
    expect(createProfiler({ dashboard: '/_prof', logger: quiet }).aggregates()).toBeDefined();
    expect(createProfiler({ logger: quiet }).aggregates()).toBeUndefined();
  });
});

describe('Aggregator on stub reports', () => {
  it('keys routes by method + pattern, never by raw path; ids are URL-safe', () => {
    const a = routeKeyOf({ method: 'get', route: '/a/:id' });
    expect(a).toMatchObject({ method: 'GET', route: '/a/:id' });
    expect(a.id).toMatch(/^[0-9a-f]+$/);
    expect(routeKeyOf({ method: 'GET' }).route).toBe('(unmatched)');
  });

  it('drops requests older than the window, slice by slice', () => {
    let now = 1_000_000;
    const agg = new Aggregator(settings, {}, AGGREGATE_LIMITS, () => now);
    agg.add(stubReport({ method: 'GET', route: '/a' }, ['old']));
    now += 30_000;
    agg.add(stubReport({ method: 'GET', route: '/a' }, ['fresh']));
    expect(agg.routes()[0]).toMatchObject({ count: 2, total: 2 });
    now += 36_000;
    const [r] = agg.routes();
    expect(r).toMatchObject({ count: 1, total: 2 });
    const collapsed = agg.report(r!.id)!.collapsed();
    expect(collapsed).toContain('fresh');
    expect(collapsed).not.toContain('old');
  });

  it('bounds routes, stacks per route and exemplars', () => {
    const limits = { ...AGGREGATE_LIMITS, maxRoutes: 3, maxStacksPerRoute: 5 };
    const agg = new Aggregator(settings, {}, limits);
    for (let i = 0; i < 10; i++) agg.add(stubReport({ method: 'GET', route: `/r${i}`, duration: i }, ['a', 'b']));
    const routes = agg.routes();
    expect(routes.length).toBe(4);
    expect(routes.find((r) => r.route === '(other routes)')?.count).toBe(7);
    // A deep stack in a route capped at 5 nodes: time goes to the deepest kept frame.
    agg.add(stubReport({ method: 'GET', route: '/r0' }, ['a', 'b', 'c', 'd', 'e', 'f', 'g']));
    const r0 = agg.routes().find((r) => r.route === '/r0')!;
    const collapsed = agg.report(r0.id)!.collapsed();
    expect(collapsed).not.toContain('f.js');
    const total = collapsed
      .trim()
      .split('\n')
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(total).toBe(20_000);
    // Two exemplars kept, the slowest.
    for (const d of [5, 50, 7, 40]) agg.add(stubReport({ method: 'GET', route: '/r1', duration: d }, ['x']));
    const r1 = agg.routes().find((r) => r.route === '/r1')!;
    expect(r1.exemplars.map((e) => e.duration)).toEqual([50, 40]);
    expect(agg.exemplar(r1.id, r1.exemplars[0]!.id)?.meta.duration).toBe(50);
  });

  it('StackTable compaction keeps live stacks and their ancestors only', () => {
    const t = new StackTable(100);
    const b = new SamplesBuilder();
    const x = b.stack(b.stack(-1, b.frame(frame('root'))), b.frame(frame('x')));
    const y = b.stack(0, b.frame(frame('y')));
    b.sample(x, 1);
    b.sample(y, 2);
    const mapped = t.intern(b.build(0, 2, 1));
    expect(t.size).toBe(3);
    const remap = t.compact([mapped[y]!]);
    expect(t.size).toBe(2);
    expect(remap[mapped[x]!]).toBe(-1);
    expect(t.frames[t.stackFrame[remap[mapped[y]!]!]!]!.functionName).toBe('y');
  });

  it('splits slow requests (above p90) from the rest and compares them', () => {
    const agg = new Aggregator(settings);
    for (let i = 0; i < 40; i++) agg.add(stubReport({ method: 'GET', route: '/c', duration: 10 }, ['h', 'fast']));
    for (let i = 0; i < 5; i++) agg.add(stubReport({ method: 'GET', route: '/c', duration: 100 }, ['h', 'grows'], 100));
    const r = agg.routes()[0]!;
    expect(r.slowCount).toBe(5);
    const cmp = agg.compare(r.id)!;
    expect(cmp.slowRequests).toBe(5);
    // grows: 100 ms per slow request, none in the rest; h (their caller): 100 against 10.
    expect(cmp.rows.slice(0, 2).map((row) => [row.functionName, row.delta])).toEqual([
      ['grows', 100],
      ['h', 90],
    ]);
  });
});

describe('flameOrder (pure, on a hand-made stack table)', () => {
  it('lays stacks out depth first, a stack before its children, heavier subtrees first', () => {
    // 0 A, 1 A>B, 2 C, 3 A>B>D, 4 A>E: A's subtree (10) outweighs C (4); under A, B (7) before E (2).
    const parent = [-1, 0, -1, 1, 0];
    const w = new Map([
      [0, 1],
      [1, 2],
      [2, 4],
      [3, 5],
      [4, 2],
    ]);
    expect(flameOrder(parent, w)).toEqual([0, 1, 3, 4, 2]);
    // A stack with no time of its own still orders its children; it is not itself a sample.
    expect(
      flameOrder(
        parent,
        new Map([
          [3, 1],
          [2, 5],
        ]),
      ),
    ).toEqual([2, 3]);
  });
});

describe('Aggregator merge queue and expiry (stub reports)', () => {
  it('enqueue() merges on a later turn of the event loop, bounded; readers flush what is queued', async () => {
    const faults: string[] = [];
    const limits = { ...AGGREGATE_LIMITS, maxQueued: 3 };
    const agg = new Aggregator(settings, {}, limits, Date.now, (kind) => faults.push(kind));
    for (let i = 0; i < 5; i++) agg.enqueue(stubReport({ method: 'GET', route: '/q' }, ['a']));
    // Nothing merged on the caller's turn (the response's), two past the bound dropped.
    expect(agg.routeCount).toBe(0);
    expect(agg.dropped).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(agg.routeCount).toBe(1);
    expect(agg.routes()[0]).toMatchObject({ route: '/q', count: 3 });
    // A reader sees a queued report at once.
    agg.enqueue(stubReport({ method: 'GET', route: '/q' }, ['a']));
    expect(agg.routes()[0]!.count).toBe(4);
    // A report that fails to merge is a fault, not an exception on the event loop.
    agg.enqueue({ meta: { method: 'GET', route: '/bad' } } as unknown as Report);
    await new Promise((resolve) => setImmediate(resolve));
    expect(faults).toEqual(['aggregating the report']);
  });

  it('forgets a route once its window is empty (its slot is free again); busy routes are untouched', () => {
    let now = 1_000_000;
    const limits = { ...AGGREGATE_LIMITS, maxRoutes: 2 };
    const agg = new Aggregator(settings, {}, limits, () => now);
    agg.add(stubReport({ method: 'GET', route: '/idle' }, ['a']));
    for (let t = 0; t < 70; t += 5) {
      now += 5_000;
      agg.add(stubReport({ method: 'GET', route: '/busy' }, ['b']));
    }
    expect(agg.routes().map((r) => r.route)).toEqual(['/busy']);
    agg.add(stubReport({ method: 'GET', route: '/new' }, ['c']));
    expect(
      agg
        .routes()
        .map((r) => r.route)
        .sort(),
    ).toEqual(['/busy', '/new']);
  });
});

describe('LatencySketch (pure)', () => {
  it('answers quantiles within 1 % of the exact ones, merges exactly, folds only the fast end', () => {
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    // Log-uniform from 10 µs to 100 s: a wide spread, plus exact zeros.
    const values = Array.from({ length: 20_000 }, (_, i) => (i % 500 === 0 ? 0 : 10 ** (rand() * 7 - 2)));
    const a = new LatencySketch();
    const b = new LatencySketch();
    for (let i = 0; i < values.length; i++) (i % 2 ? a : b).add(values[i]!);
    a.merge(b);
    const sorted = values.slice().sort((x, y) => x - y);
    expect(a.count).toBe(values.length);
    for (const q of [0.01, 0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = sorted[Math.floor(q * (sorted.length - 1))]!;
      expect(Math.abs(a.quantile(q) - exact) / exact, `q=${q}`).toBeLessThanOrEqual(0.01 + 1e-9);
    }
    expect(a.quantile(0)).toBe(0);
    expect(a.max).toBe(sorted[sorted.length - 1]);
    // 1 ns … 1e12 ms spans more than 2048 buckets: the lowest fold, the tail stays within 1 %.
    const wide = new LatencySketch();
    for (let e = -6; e <= 12; e += 0.001) wide.add(10 ** e);
    expect(wide.bytes()).toBeLessThanOrEqual(80 + 4 * 2048);
    expect(Math.abs(wide.quantile(0.99) - 10 ** (-6 + 0.99 * 18)) / 10 ** (-6 + 0.99 * 18)).toBeLessThan(0.02);
  });
});

describe('dashboardResponse on stub reports', () => {
  it('answers 404 JSON for a route that left the window, on every path of it', () => {
    let now = 1_000_000;
    const agg = new Aggregator(settings, {}, AGGREGATE_LIMITS, () => now);
    agg.add(stubReport({ method: 'GET', route: '/gone' }, ['a']));
    const id = agg.routes()[0]!.id;
    const host = { options: { dashboard: '/_prof', allow: () => true }, aggregates: () => agg, fault() {} };
    const ask = (path: string) =>
      dashboardResponse(host, { method: 'GET', url: path, header: () => undefined, raw: {} });
    expect(ask(`/_prof/api/routes/${id}/profile`)?.status).toBe(200);
    now += settings.window + 10_000;
    for (const what of ['profile', 'view', 'compare']) {
      const res = ask(`/_prof/api/routes/${id}/${what}`);
      expect(res?.status).toBe(404);
      expect(JSON.parse(String(res?.body))).toMatchObject({ error: expect.stringMatching(/left the window/) });
    }
    expect(JSON.parse(String(ask('/_prof/api/routes')?.body)).routes).toEqual([]);
  });
});
