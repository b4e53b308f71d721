import { createServer, type Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiler } from '@prof/express';
import type { CallNode, Report } from '@prof/core';
import { get, listen, reportSink } from './helpers.js';

// Overlapping requests on one real server with the real sampler: each report must hold its own
// request's work only (issue 6), the rest of its time as [await].
function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}
function functionA(ms: number): number {
  return spin(ms);
}
function functionB(ms: number): number {
  return spin(ms);
}
function work(ms: number): number {
  return spin(ms);
}
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Time that ran under `name`: its waits (`[await]` lines, which sit under the frame that awaited) excluded. */
function under(node: CallNode, name: string): number {
  if (node.frame.name === name) return node.total - waitsIn(node);
  return node.children.reduce((s, c) => s + under(c, name), 0);
}
const waitsIn = (n: CallNode): number =>
  n.frame.kind === 'await' || n.frame.kind === 'idle' ? n.total : n.children.reduce((s, c) => s + waitsIn(c), 0);
/**
 * The request's own JS time: not waiting, and not V8's garbage collector, which serves the whole
 * process. `[await]` lines sit under the frame that awaited, so they are looked for at any depth.
 */
function ownTime(r: Report): number {
  const notOwn = (n: CallNode): number =>
    n.frame.kind === 'await' || n.frame.kind === 'idle' || n.frame.kind === 'gc'
      ? n.total
      : n.children.reduce((s, c) => s + notOwn(c), 0);
  const root = r.tree();
  return root.total - notOwn(root);
}

function makeApp(onReport: (r: Report) => void, attribution: 'context' | 'window' = 'context'): express.Express {
  const app = express();
  // 250 µs: enough samples per 10 ms request for a ±20 % check.
  app.use(profiler({ printEachRequest: false, onReport, attribution, interval: 250 }));
  app.get('/a', async (_req, res) => {
    for (let i = 0; i < 20; i++) {
      functionA(10);
      await tick();
    }
    res.send('a');
  });
  app.get('/b', async (_req, res) => {
    for (let i = 0; i < 20; i++) {
      functionB(10);
      await tick();
    }
    res.send('b');
  });
  app.get('/work/:ms/:i', async (req, res) => {
    const total = Number(req.params.ms);
    // The wall time the work really took: on a busy machine a 2 ms chunk can take longer.
    let spent = 0;
    for (let done = 0; done < total; done += 2) {
      const t0 = performance.now();
      work(Math.min(2, total - done));
      spent += performance.now() - t0;
      await tick();
    }
    res.json({ total, spent });
  });
  return app;
}

describe('per-request attribution when requests overlap (express)', () => {
  const sink = reportSink();
  const windowSink = reportSink();
  const servers: Server[] = [];
  let base = '';
  let windowBase = '';

  beforeAll(async () => {
    servers.push(createServer(makeApp(sink.onReport)), createServer(makeApp(windowSink.onReport, 'window')));
    base = await listen(servers[0]!);
    windowBase = await listen(servers[1]!);
  });
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it('gives two interleaved requests each its own work', async () => {
    sink.reports.length = 0;
    const [a, b] = await Promise.all([get(`${base}/a`), get(`${base}/b`)]);
    expect([a.body, b.body]).toEqual(['a', 'b']);
    const reports = await sink.waitFor(2);
    const ra = reports.find((r) => r.meta.path === '/a')!;
    const rb = reports.find((r) => r.meta.path === '/b')!;
    for (const [r, mine, theirs] of [
      [ra, 'functionA', 'functionB'],
      [rb, 'functionB', 'functionA'],
    ] as const) {
      const own = ownTime(r);
      expect(own).toBeGreaterThan(0);
      // Never the other request's work (exactly 0); the rest of its own time is its own framework
      // work (routing, the response), a larger share on a slower machine.
      expect(under(r.tree(), mine) / own).toBeGreaterThanOrEqual(0.9);
      expect(under(r.tree(), theirs)).toBe(0);
      // The tree still sums to the wall-clock duration; waiting shows as [await].
      expect(r.tree().total / 1000).toBeCloseTo(r.meta.duration, -1);
      expect(r.text({ color: false })).toMatch(/\[await\]/);
      expect(r.meta.cpuTime).toBeLessThan(r.meta.duration);
    }
  });

  it("with attribution 'window', a report holds the overlapping request's work too", async () => {
    windowSink.reports.length = 0;
    await Promise.all([get(`${windowBase}/a`), get(`${windowBase}/b`)]);
    const reports = await windowSink.waitFor(2);
    const ra = reports.find((r) => r.meta.path === '/a')!;
    expect(under(ra.tree(), 'functionB')).toBeGreaterThan(0);
  });

  it('splits 50 concurrent requests with known work, never counting a sample twice', async () => {
    sink.reports.length = 0;
    const work = Array.from({ length: 50 }, (_, i) => 20 + (i % 5) * 10); // 20..60 ms each, in 2 ms chunks
    const responses = await Promise.all(work.map((ms, i) => get(`${base}/work/${ms}/${i}`)));
    const spentOf = new Map<string, number>();
    responses.forEach((r, i) => {
      const body = JSON.parse(r.body) as { total: number; spent: number };
      expect(body.total).toBe(work[i]);
      spentOf.set(`/work/${work[i]}/${i}`, body.spent);
    });
    const reports = await sink.waitFor(50, 30_000);
    let ownSum = 0;
    let windowUnion = 0;
    const starts: [number, number][] = [];
    for (const r of reports) {
      const expected = spentOf.get(r.meta.path!)!;
      expect(expected, r.meta.path).toBeGreaterThan(0);
      const measured = under(r.tree(), 'work') / 1000;
      // Within 40 %: 20 ms requests measured 28–36 % over on this project's VMs (base commit
      // included); counting another request's overlapping work would be 100 % and more.
      expect(
        Math.abs(measured - expected) / expected,
        `${r.meta.path}: ${measured.toFixed(1)} ms of work`,
      ).toBeLessThanOrEqual(0.4);
      ownSum += ownTime(r);
      starts.push([r.samples.start, r.samples.end]);
    }
    // Own time summed over all reports never exceeds the wall time covered by any of them.
    starts.sort((x, y) => x[0] - y[0]);
    let [cs, ce] = starts[0]!;
    for (const [s, e] of starts.slice(1)) {
      if (s > ce) {
        windowUnion += ce - cs;
        [cs, ce] = [s, e];
      } else ce = Math.max(ce, e);
    }
    windowUnion += ce - cs;
    expect(ownSum).toBeLessThanOrEqual(windowUnion * 1.02);
  });
});
