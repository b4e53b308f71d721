import { describe, expect, it } from 'vitest';
import { createProfiler, profile, type Report, type SamplerKind } from '../src/index.js';
import { loadBackend } from '../src/sampler/load.js';

// Context attribution through a labelling backend ('pprof': each sample carries its
// AsyncContextFrame context), with the real V8 profiler. Runs where the backend under test labels
// (Node >= 24 with @datadog/pprof); elsewhere context attribution uses the hook timeline, which
// overlap.serial.test.ts covers.
const asked = (process.env.PROF_TEST_SAMPLER ?? 'auto') as SamplerKind;
const labels = loadBackend(asked, 1000).backend.labels !== undefined;

function spin(ms: number): number {
  let x = 0;
  const t = performance.now();
  while (performance.now() - t < ms) x += Math.sqrt(x + 1);
  return x;
}
function workOfA(ms: number): number {
  return spin(ms);
}
function workOfB(ms: number): number {
  return spin(ms);
}
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Wall µs of samples under a frame named `name`. */
function timeIn(report: Report, name: string): number {
  let sum = 0;
  const walk = (n: ReturnType<Report['tree']>): void => {
    if (n.frame.name === name) sum += n.total;
    else for (const c of n.children) walk(c);
  };
  walk(report.tree());
  return sum;
}

describe.runIf(labels)('context attribution by sample labels', () => {
  it('splits two interleaved requests by their labels and installs no async hook', async () => {
    const reports = new Map<string, Report>();
    const profiler = createProfiler({
      sampler: asked,
      printEachRequest: false,
      logger: { info() {}, warn() {}, error() {} },
      onReport: (r) => void reports.set(String(r.meta.path), r),
    });
    const run = async (path: string, work: (ms: number) => number): Promise<void> => {
      const handle = profiler.start({ method: 'GET', url: path, header: () => undefined, raw: {} });
      expect(handle?.profiled).toBe(true);
      for (let i = 0; i < 15; i++) {
        work(4);
        await tick();
      }
      handle!.finish(200);
      await handle!.report();
    };
    // Each request in a scope of its own, as a server gives each connection's callbacks.
    await Promise.all([
      new Promise<void>((resolve, reject) => setImmediate(() => run('/a', workOfA).then(resolve, reject))),
      new Promise<void>((resolve, reject) => setImmediate(() => run('/b', workOfB).then(resolve, reject))),
    ]);
    const a = reports.get('/a')!;
    const b = reports.get('/b')!;
    expect(a.meta.sampler).toBe('pprof');
    // Each did ~60 ms of its own work; the other's is never in its tree.
    expect(timeIn(a, 'workOfA')).toBeGreaterThan(30_000);
    expect(timeIn(b, 'workOfB')).toBeGreaterThan(30_000);
    expect(timeIn(a, 'workOfB')).toBe(0);
    expect(timeIn(b, 'workOfA')).toBe(0);
    // The hook timeline (sampler/context.ts) was never created in this process.
    expect((globalThis as Record<symbol, unknown>)[Symbol.for('prof.contextTimeline')]).toBeUndefined();
  });

  it("profile(): fn's own context only, and the label does not leak to the caller", async () => {
    const report = await profile(
      async () => {
        for (let i = 0; i < 10; i++) {
          workOfA(3);
          await tick();
        }
      },
      { sampler: asked, logger: { info() {}, warn() {}, error() {} } },
    );
    // Work the caller does afterwards, while a second profile() runs: not in the first.
    const second = profile(
      async () => {
        await new Promise((r) => setTimeout(r, 40));
      },
      { sampler: asked, logger: { info() {}, warn() {}, error() {} } },
    );
    const callerWork = workOfB(30);
    const other = await second;
    expect(callerWork).toBeGreaterThan(0);
    expect(timeIn(report, 'workOfA')).toBeGreaterThan(15_000);
    expect(timeIn(other, 'workOfB')).toBe(0);
  });
});
