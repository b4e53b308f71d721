// Cost of one request's profile start+stop in a process holding 20,000 compiled functions:
// prof's shared warm sampler against a fresh V8 profile per request (the naive way).
// Usage: node bench/startstop.mjs   (after the build; prints medians in ms)
import { createRequire } from 'node:module';
import inspector from 'node:inspector';
import { getSharedSampler } from '@prof/core';

const require = createRequire(import.meta.url);
const FUNCTIONS = 20_000;
const ROUNDS = Number(process.env.ROUNDS ?? 200);

const fns = [];
for (let i = 0; i < FUNCTIONS; i++) {
  const f = new Function('x', `return x * ${i} + ${i % 7}`);
  f(1);
  fns.push(f);
}

function work() {
  let s = 0;
  for (let i = 0; i < 2000; i++) s += fns[i % FUNCTIONS](i);
  return s;
}
const us = () => Number(process.hrtime.bigint()) / 1e3;
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => (x / 1000).toFixed(3);

const cpu = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

// CPU time (all threads) and wall time per request, each minus the same work unprofiled. Wall
// time of the shared sampler includes waiting for its batched rotation (10–50 ms, idle), and its
// CPU time V8's sampling thread's work during that wait. `onPath` times what the request itself
// waits for: the synchronous start and stop calls on the main thread.
let pathUs = 0;
function onPath(fn) {
  const t = us();
  const r = fn();
  pathUs += us() - t;
  return r;
}
async function perRequest(label, run) {
  const base = [];
  const prof = [];
  const baseCpu = [];
  const profCpu = [];
  const path = [];
  for (let i = 0; i < ROUNDS; i++) {
    pathUs = 0;
    let c = cpu();
    let t = us();
    work();
    base.push(us() - t);
    baseCpu.push(cpu() - c);
    c = cpu();
    t = us();
    await run();
    prof.push(us() - t);
    profCpu.push(cpu() - c);
    path.push(pathUs);
  }
  const cost = median(profCpu) - median(baseCpu);
  const wall = median(prof) - median(base);
  console.log(
    `${label.padEnd(50)} ${ms(median(path))} ms on the request's path (start + stop); ${ms(cost)} ms CPU per request, all threads (${ms(wall)} ms wall; median over ${ROUNDS})`,
  );
  return cost;
}

const mode = process.argv[2];
if (!mode) {
  // Each case in its own process: v8-profiler-next's settings are per process.
  const { execFileSync } = await import('node:child_process');
  for (const m of ['shared', 'native', 'inspector']) {
    process.stdout.write(execFileSync(process.execPath, [new URL(import.meta.url).pathname, m], { env: process.env }));
  }
  process.exit(0);
}

if (mode === 'shared') {
  // prof: the shared sampler (native when v8-profiler-next is built). Rotation runs in
  // setImmediate, so awaiting end() includes it.
  const sampler = getSharedSampler('auto', 1000, { info() {}, warn: console.warn, error: console.error });
  await perRequest(`prof shared sampler (${sampler.name})`, async () => {
    const rec = onPath(() => sampler.begin());
    work();
    await onPath(() => sampler.end(rec));
  });
}

if (mode === 'native') {
  let v8p;
  try {
    v8p = require('v8-profiler-next');
  } catch {
    console.log('v8-profiler-next not built: no native naive case');
    process.exit(0);
  }
  v8p.setGenerateType(1);
  await perRequest('naive: fresh v8-profiler-next profile per request', async () => {
    onPath(() => v8p.startProfiling('naive', true));
    work();
    onPath(() => v8p.stopProfiling('naive').delete());
  });
}

if (mode === 'inspector') {
  const session = new inspector.Session();
  session.connect();
  const post = (m, p = {}) => new Promise((res, rej) => session.post(m, p, (e, r) => (e ? rej(e) : res(r))));
  await post('Profiler.enable');
  await perRequest('naive: fresh node:inspector profile per request', async () => {
    // The inspector answers asynchronously: the whole round trip is on the request's path.
    const t0 = us();
    await post('Profiler.start');
    pathUs += us() - t0;
    work();
    const t1 = us();
    await post('Profiler.stop');
    pathUs += us() - t1;
  });
}
