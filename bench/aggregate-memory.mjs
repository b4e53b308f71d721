// Memory of per-route aggregates (issue 15): 100 routes × 10 minutes of traffic, fed as finished
// reports through a simulated clock, so ten minutes take seconds. The traffic is a worst case:
// below depth 8 every frame is random, so nearly every sample is a new stack and every route's
// table fills in its first minute. Not a timed test: it prints the retained heap against the
// documented bound (docs/performance.md), the aggregator's own estimate, and the merge cost.
// Run: node --expose-gc bench/aggregate-memory.mjs  (after building @prof/core)
// Knobs (to compare settings): MINUTES, EXEMPLARS, MAX_STACKS, EXEMPLAR_MB.
import { Aggregator, Report, SamplesBuilder } from '@prof/core';

const ROUTES = 100;
const MINUTES = Number(process.env.MINUTES ?? 10);
const REQUESTS_PER_SECOND = 50; // all routes together: 30,000 requests in ten minutes
const FRAMES_PER_ROUTE = 400; // distinct functions a route's requests run through
const DEPTH = 25;
const SAMPLES = 40; // 40 ms of samples per request at 1 ms
/** The documented bound (docs/performance.md) for this scenario at the default limits. */
const BOUND_MB = 48;

let seed = 42;
const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

// SHAPE=repeating: each route's samples come from 50 fixed call paths (an app's handful of code
// paths), the common case; the default is the worst case described above.
const REPEATING = process.env.SHAPE === 'repeating';
const PATHS = 50;

function request(route, t) {
  const b = new SamplesBuilder();
  for (let i = 1; i <= SAMPLES; i++) {
    let s = -1;
    const path = Math.floor(rand() * PATHS);
    for (let d = 0; d < DEPTH; d++) {
      // Shallow frames are shared (framework, handler), deeper ones vary (what the request did).
      const fn =
        d < 8
          ? d
          : REPEATING
            ? 8 + ((path * 31 + d * 17) % (FRAMES_PER_ROUTE - 8))
            : 8 + Math.floor(rand() * (FRAMES_PER_ROUTE - 8));
      s = b.stack(
        s,
        b.frame({ functionName: `fn${fn}`, url: `file:///app/route${route}.js`, lineNumber: fn, columnNumber: 1 }),
      );
    }
    b.sample(s, i * 1000);
  }
  const duration = 20 + rand() * 80;
  return new Report(
    b.build(0, SAMPLES * 1000, 1000),
    {
      id: `r${t}-${route}`,
      method: 'GET',
      route: `/route${route}/:id`,
      path: `/route${route}/${t}`,
      startedAt: new Date(t).toISOString(),
      duration,
      cpuTime: duration / 2,
      sampleCount: SAMPLES,
      interval: 1000,
      sampler: 'native',
      truncated: false,
    },
    {},
    false,
    { sourceMaps: false },
  );
}

const heap = () => {
  globalThis.gc?.();
  // Typed arrays' contents live outside the JS heap: count them too.
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
if (!globalThis.gc) console.warn('run with --expose-gc for stable heap numbers');

let now = Date.UTC(2026, 0, 1);
const exemplars = Number(process.env.EXEMPLARS ?? 5);
const settings = { window: 600_000, exemplars, every: 10_000, file: undefined };
const limits = { ...new Aggregator(settings).limits }; // the defaults
if (process.env.MAX_STACKS) limits.maxStacksPerRoute = Number(process.env.MAX_STACKS);
if (process.env.EXEMPLAR_MB) limits.maxExemplarBytes = Number(process.env.EXEMPLAR_MB) * 2 ** 20;
const agg = new Aggregator(settings, {}, limits, () => now);
const before = heap();
const total = MINUTES * 60 * REQUESTS_PER_SECOND;
let addMs = 0;
for (let i = 0; i < total; i++) {
  now += 1000 / REQUESTS_PER_SECOND;
  const report = request(Math.floor(rand() * ROUTES), now);
  const t0 = performance.now();
  agg.add(report);
  addMs += performance.now() - t0;
}
const after = heap();
const routes = agg.routes();
const t1 = performance.now();
const html = agg.report(routes[0].id).html();
const renderMs = performance.now() - t1;
console.log(
  JSON.stringify(
    {
      routes: routes.length,
      requests: total,
      retainedMB: +((after - before) / 2 ** 20).toFixed(1),
      boundMB: BOUND_MB,
      underBound: (after - before) / 2 ** 20 <= BOUND_MB ? 'yes' : 'no',
      estimateMB: +(agg.bytes() / 2 ** 20).toFixed(1),
      stacksPerRoute: Math.max(...routes.map((r) => agg.report(r.id).recorded.stackParent.length)),
      truncatedSamples: routes.reduce((n, r) => n + r.truncatedSamples, 0),
      msPerMerge: +(addMs / total).toFixed(3),
      msRenderOneRouteHtml: +renderMs.toFixed(1),
      htmlKB: Math.round(html.length / 1024),
    },
    null,
    // bench/run.mjs reads one line.
    process.argv.includes('--json') ? undefined : 2,
  ),
);
