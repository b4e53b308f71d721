import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachToNodeResponse, createProfiler, type RequestProfiler } from '../src/index.js';

// Per-route aggregates through a real node:http server and the real sampler: known work split
// 75/25 between two functions across many requests must show as such in the merged profile.

function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}
function aggWorkThree(): number {
  return spin(12);
}
function aggWorkOne(): number {
  return spin(4);
}
function aggOtherRoute(): number {
  return spin(3);
}

const quiet = { info() {}, warn() {}, error() {} };
let server: Server;
let base: string;
let prof: RequestProfiler;

beforeAll(async () => {
  prof = createProfiler({ aggregate: true, printEachRequest: false, logger: quiet });
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    const route = url.startsWith('/work/') ? '/work/:n' : '/other';
    const handle = prof.start({ method: req.method ?? 'GET', url, header: () => undefined, raw: req });
    if (handle) attachToNodeResponse(handle, res, () => ({ route }));
    // A sample's weight is the gap since the one before it, so the function that runs second is
    // charged the first one's tail: alternating the order cancels that bias across requests.
    const n = Number(url.slice(6));
    if (route === '/work/:n') res.end(String(n % 2 ? aggWorkOne() + aggWorkThree() : aggWorkThree() + aggWorkOne()));
    else res.end(String(aggOtherRoute()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Inclusive µs per function name, from collapsed stacks (a frame counted once per line). */
function inclusive(collapsed: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of collapsed.trim().split('\n')) {
    const at = line.lastIndexOf(' ');
    const w = Number(line.slice(at + 1));
    for (const name of new Set(
      line
        .slice(0, at)
        .split(';')
        .map((f) => f.split(' ')[0]!),
    )) {
      out.set(name, (out.get(name) ?? 0) + w);
    }
  }
  return out;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('aggregates (real sampler, real server)', () => {
  it('merges 60 requests of one route: 75/25 work within ±5 points, exact counts, routes apart', async () => {
    for (let i = 0; i < 60; i++) await (await fetch(`${base}/work/${i}`)).text();
    for (let i = 0; i < 25; i++) await (await fetch(`${base}/other?i=${i}`)).text();
    const agg = prof.aggregates()!;
    await until(() => agg.routes().reduce((n, r) => n + r.count, 0) === 85, 'every request aggregated');
    const routes = agg.routes();
    expect(routes.map((r) => [r.method, r.route, r.count, r.total])).toEqual([
      ['GET', '/work/:n', 60, 60],
      ['GET', '/other', 25, 25],
    ]);
    const work = routes[0]!;
    expect(work.p50).toBeGreaterThan(0);
    expect(work.p50).toBeLessThanOrEqual(work.p95);
    expect(work.p95).toBeLessThanOrEqual(work.p99);
    expect(work.cpuPerRequest).toBeGreaterThan(0);
    expect(work.exemplars.length).toBe(5);

    const report = agg.report(work.id)!;
    expect(report.meta.requests).toBe(60);
    expect(JSON.parse(report.json()).meta.requests).toBe(60);
    const times = inclusive(report.collapsed());
    const three = times.get('aggWorkThree') ?? 0;
    const one = times.get('aggWorkOne') ?? 0;
    expect(three + one).toBeGreaterThan(0);
    const share = (100 * three) / (three + one);
    expect(share, `aggWorkThree's share of the two: ${share.toFixed(1)} %`).toBeGreaterThanOrEqual(70);
    expect(share).toBeLessThanOrEqual(80);
    expect(times.has('aggOtherRoute')).toBe(false);

    const other = inclusive(agg.report(routes[1]!.id)!.collapsed());
    expect(other.get('aggOtherRoute') ?? 0).toBeGreaterThan(0);
    expect(other.has('aggWorkThree') || other.has('aggWorkOne')).toBe(false);
  });
});
