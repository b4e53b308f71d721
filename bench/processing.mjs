// Processing: building the tree and rendering text and HTML for profiles of 1 s, 10 s and 60 s
// at 1 ms. One real 1 s recording of a mixed workload (profile() from @prof/core) is taken once;
// the 10 s and 60 s profiles are synthesized from it by replicating its samples with their
// timestamps offset (same frames and stacks, n times the samples). Prints one JSON line.
import { profile, Report } from '@prof/core';
import { buildReport, getSumOfList } from '../examples/shared/work.mjs';

const ROUNDS = Number(process.env.BENCH_PROCESSING_ROUNDS ?? 3);
const LENGTHS = (process.env.BENCH_PROCESSING_SECONDS ?? '1,10,60').split(',').map(Number);

function parse(n) {
  return JSON.parse(buildReport(n)).length;
}
function deep(d) {
  return d === 0 ? getSumOfList(20_000)[0] : deep(d - 1) + 1;
}
async function mixed() {
  const end = performance.now() + 1000;
  let x = 0;
  while (performance.now() < end) {
    x += getSumOfList(50_000)[0] + parse(2000) + deep(20);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return x;
}

const base = await profile(mixed, { interval: 1000, attribution: 'window' });
const s = base.samples;

function replicate(times) {
  const n = s.stacks.length;
  const span = s.end - s.start;
  const stacks = new Int32Array(n * times);
  const timestamps = new Float64Array(n * times);
  const weights = new Float64Array(n * times);
  for (let k = 0; k < times; k++) {
    stacks.set(s.stacks, k * n);
    weights.set(s.weights, k * n);
    for (let i = 0; i < n; i++) timestamps[k * n + i] = s.timestamps[i] + k * span;
  }
  return { ...s, stacks, timestamps, weights, end: s.start + span * times };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [];
for (const seconds of LENGTHS) {
  const times = Math.max(1, Math.round(seconds / ((s.end - s.start) / 1e6)));
  const samples = replicate(times);
  const durationMs = (samples.end - samples.start) / 1000;
  const meta = { ...base.meta, duration: durationMs, sampleCount: samples.stacks.length };
  const t = { tree: [], text: [], html: [] };
  let htmlBytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const report = new Report(samples, meta); // fresh: no cached tree
    let t0 = performance.now();
    report.tree();
    t.tree.push(performance.now() - t0);
    t0 = performance.now();
    report.text();
    t.text.push(performance.now() - t0);
    t0 = performance.now();
    htmlBytes = Buffer.byteLength(report.html());
    t.html.push(performance.now() - t0);
  }
  const tree = median(t.tree);
  const text = median(t.text);
  const html = median(t.html);
  rows.push({
    seconds,
    durationMs,
    samples: samples.stacks.length,
    treeMs: tree,
    textMs: text,
    htmlMs: html,
    totalMs: tree + text + html,
    share: (tree + text + html) / durationMs,
    htmlBytes,
  });
}
console.log(JSON.stringify({ baseSamples: s.stacks.length, baseMs: (s.end - s.start) / 1000, rows }));
