// Accuracy: workloads with known CPU splits, profiled with profile() from @prof/core.
// Prints one JSON line: per interval and split, the error in percentage points and the sample
// count against duration / interval. One interval per process (the sampler's interval is per
// process): node accuracy.mjs <interval µs>
import { profile } from '@prof/core';

const ROUNDS = Number(process.env.BENCH_ACCURACY_ROUNDS ?? 3);
const TOTAL_MS = Number(process.env.BENCH_ACCURACY_MS ?? 400);

function spin(ms) {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}
// Each its own function (and frame); spin() runs under whichever called it.
function fnA(ms) {
  return spin(ms);
}
function fnB(ms) {
  return spin(ms);
}
function fnC(ms) {
  return spin(ms);
}
const FNS = { fnA, fnB, fnC };

/** Interleaves the functions in 4 ms slices so every function spans the whole recording. */
function workload(split) {
  const names = Object.keys(split);
  const slices = TOTAL_MS / 4;
  let x = 0;
  for (let i = 0; i < slices; i++) for (const n of names) x += FNS[n](4 * split[n]);
  return x;
}

/** Total µs under frames named `name` (outermost occurrences only). */
function totalOf(node, name) {
  if (node.frame.name === name) return node.total;
  let t = 0;
  for (const c of node.children) t += totalOf(c, name);
  return t;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const SPLITS = [
  { fnA: 0.75, fnB: 0.25 },
  { fnA: 0.5, fnB: 0.3, fnC: 0.2 },
];
const out = [];
workload({ fnA: 0.5, fnB: 0.3, fnC: 0.2 }); // warm up (JIT)
let sampler;
const interval = Number(process.argv[2] ?? 1000);
for (const split of SPLITS) {
  const errors = [];
  const counts = [];
  for (let r = 0; r < ROUNDS; r++) {
    const report = await profile(() => workload(split), { interval, attribution: 'context' });
    sampler = report.meta.sampler;
    const tree = report.tree();
    const totals = Object.fromEntries(Object.keys(split).map((n) => [n, totalOf(tree, n)]));
    const sum = Object.values(totals).reduce((a, b) => a + b, 0);
    errors.push(Math.max(...Object.keys(split).map((n) => Math.abs((100 * totals[n]) / sum - 100 * split[n]))));
    counts.push({ samples: report.meta.sampleCount, expected: (report.meta.duration * 1000) / report.meta.interval });
  }
  const c = counts[errors.indexOf(median(errors))];
  out.push({
    interval,
    split: Object.values(split)
      .map((v) => Math.round(v * 100))
      .join('/'),
    errorPp: median(errors),
    maxErrorPp: Math.max(...errors),
    samples: c.samples,
    expected: c.expected,
  });
}
console.log(JSON.stringify({ sampler, rows: out }));
