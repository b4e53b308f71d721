import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallNode, Report } from '@prof/core';
import { apps } from './apps/index.js';
import { nestExpress, nestFastify } from './apps/nest.js';
import type { AppFactory, RunningApp } from './apps/types.js';
import { get, reportSink } from './helpers.js';

// Issue 6 through every adapter: a CPU-bound request runs while an async request is in flight.
// With attribution by context, neither report holds the other's work.
const all: AppFactory[] = [...apps, ...[nestExpress, nestFastify].filter((n) => !apps.some((a) => a.name === n.name))];

function under(node: CallNode, name: string): number {
  if (node.frame.name === name) return node.total;
  return node.children.reduce((s, c) => s + under(c, name), 0);
}
/** Time not waiting. `[await]` lines sit under the frame that awaited, so they are looked for at any depth. */
function ownTime(r: Report): number {
  const waiting = (n: CallNode): number =>
    n.frame.kind === 'await' || n.frame.kind === 'idle' ? n.total : n.children.reduce((s, c) => s + waiting(c), 0);
  const root = r.tree();
  return root.total - waiting(root);
}

describe.each(all)('$name: overlapping requests get their own work', (factory) => {
  const sink = reportSink();
  let app: RunningApp;

  beforeAll(async () => {
    app = await factory.start({ printEachRequest: false, onReport: sink.onReport, interval: 250 });
  });
  afterAll(() => app?.close());

  it('keeps /cpu out of the /io report that spans it, and /io out of /cpu', async () => {
    sink.reports.length = 0;
    const io = get(`${app.url}/io`);
    // /io is now awaiting its first timer; /cpu runs synchronously inside /io's window.
    await new Promise((r) => setTimeout(r, 5));
    const cpu = get(`${app.url}/cpu?n=3000000`);
    const [a, b] = await Promise.all([io, cpu]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const reports = await sink.waitFor(2);
    const rio = reports.find((r) => r.meta.path === '/io')!;
    const rcpu = reports.find((r) => r.meta.path?.startsWith('/cpu'))!;
    expect(rio.samples.start).toBeLessThan(rcpu.samples.start);
    expect(rio.samples.end).toBeGreaterThan(rcpu.samples.end);
    // The CPU route's work happened inside /io's window, yet is not in /io's report…
    expect(under(rio.tree(), 'getSumOfList')).toBe(0);
    expect(under(rio.tree(), 'buildReport')).toBeGreaterThan(0);
    // …and /cpu's report is its own work, not /io's.
    expect(under(rcpu.tree(), 'buildReport')).toBe(0);
    // (The rest of its own time is the framework, JSON, first-call compilation and GC.)
    expect(under(rcpu.tree(), 'getSumOfList') / ownTime(rcpu)).toBeGreaterThanOrEqual(0.6);
    // /io waited through /cpu: that time is [await], and the tree sums to its duration.
    expect(rio.text({ color: false })).toContain('[await]');
    expect(rio.meta.cpuTime).toBeLessThan(rio.meta.duration / 2);
  });
});
