// Probe (issue 13, "Cost"): can @datadog/pprof's time profiler label each sample with the request
// whose async context it ran in (withContexts + useCPED: the context is read from Node's
// AsyncContextFrame at each SIGPROF), so that per-request attribution needs no async hook? And
// what does it cost on /b/async-like work (200 async calls, two awaits each) next to bare and to
// prof's hook timeline?
//   node bench/labels-probe.mjs [seconds=3] [rounds=3]     (Node >= 24; @datadog/pprof installed)
// Part 1, separation: 16 concurrent requests, half spinning in fnA, half in fnB, each 10 × (2 ms of
// CPU, 1 ms await); every sample labelled with a request must be in that request's own function.
// Part 2, cost: each mode's server in its own child process, autocannon (8 connections,
// 127.0.0.1) on /async, modes in rotated order per round, throughput × bare of the same round.
//   bare      no profiler
//   pprof     TimeProfiler running (withContexts, useCPED), no request labelled
//   labels    as pprof, every request enters its own labelled context, rotations every 20 ms
//             hand each finished request its own samples (ts, stack) — what a backend would do
//   hooks     prof's hook mechanism without a sampler: ALS + async_hooks before/after writing the
//             context transitions to typed arrays (packages/core/src/sampler/context.ts)
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import http from 'node:http';
import { AsyncLocalStorage, createHook } from 'node:async_hooks';

const require = createRequire(import.meta.url);
const ASYNC_STEPS = 200;
const INTERVAL = 1000;

function loadPprof() {
  const core = require.resolve('@prof/core/package.json');
  const req = createRequire(core);
  return req('@datadog/pprof/out/src/time-profiler-bindings.js');
}

/** The labelled profiler: one CpuProfiler for the thread, contexts read through AsyncContextFrame. */
function startLabelled() {
  const { TimeProfiler } = loadPprof();
  const als = new AsyncLocalStorage();
  const p = new TimeProfiler({
    intervalMicros: INTERVAL,
    durationMillis: 10_000,
    lineNumbers: false,
    withContexts: true,
    workaroundV8Bug: false,
    collectCpuTime: false,
    collectAsyncId: false,
    useCPED: true,
    CPEDKey: als,
    isMainThread: true,
  });
  p.start();
  // Works only where Node keeps contexts in AsyncContextFrame (Node >= 24 by default).
  const ok = als.run(p.createContextHolder({ id: -1 }), () => p.context?.id === -1);
  if (!ok) throw new Error('AsyncContextFrame not in use: labels would all be empty');
  return {
    label(id) {
      als.enterWith(p.createContextHolder(id));
    },
    /** Stops the current profile, starts the next one; every sample: [epoch µs, label, node]. */
    rotate() {
      const prof = p.stop(true);
      const out = [];
      const walk = (node, parent) => {
        const me = { name: node.name, parent };
        for (const c of node.contexts ?? []) out.push([Number(c.timestamp), c.context, me]);
        for (const child of node.children) walk(child, me);
      };
      walk(prof.topDownRoot, null);
      return out;
    },
  };
}

function spin(ms) {
  const t = performance.now();
  let x = 0;
  while (performance.now() - t < ms) x += Math.sqrt(x + 1);
  return x;
}
function fnA(ms) {
  return spin(ms);
}
function fnB(ms) {
  return spin(ms);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function step(i) {
  await null;
  return i & 7;
}
async function asyncWork() {
  let x = 0;
  for (let i = 0; i < ASYNC_STEPS; i++) x += await step(i);
  return x;
}

// ---------------------------------------------------------------------------------------------
// Part 1: separation

async function separation() {
  const prof = startLabelled();
  const samples = [];
  const timer = setInterval(() => samples.push(...prof.rotate()), 20);
  const request = async (id, fn) => {
    prof.label(id);
    for (let i = 0; i < 10; i++) {
      fn(2);
      await sleep(1);
    }
  };
  await sleep(50);
  samples.length = 0;
  const reqs = [];
  for (let id = 1; id <= 16; id++) reqs.push(request(id, id % 2 ? fnA : fnB));
  await Promise.all(reqs);
  clearInterval(timer);
  samples.push(...prof.rotate());
  const per = new Map();
  let unlabelledA = 0;
  for (const [, label, node] of samples) {
    let inA = false;
    let inB = false;
    for (let n = node; n; n = n.parent) {
      if (n.name === 'fnA') inA = true;
      if (n.name === 'fnB') inB = true;
    }
    if (label === undefined) {
      if (inA || inB) unlabelledA++;
      continue;
    }
    const s = per.get(label) ?? { a: 0, b: 0, other: 0 };
    if (inA) s.a++;
    else if (inB) s.b++;
    else s.other++;
    per.set(label, s);
  }
  let wrong = 0;
  let right = 0;
  for (const [id, s] of per) {
    const mine = id % 2 ? s.a : s.b;
    const theirs = id % 2 ? s.b : s.a;
    right += mine;
    wrong += theirs;
  }
  const rows = [...per]
    .sort((x, y) => x[0] - y[0])
    .map(([id, s]) => `${id}:${id % 2 ? 'A' : 'B'} a=${s.a} b=${s.b} other=${s.other}`);
  console.log(
    JSON.stringify({
      part: 'separation',
      node: process.versions.node,
      requests: per.size,
      ownSamples: right,
      otherRequestsSamples: wrong,
      workSamplesWithoutLabel: unlabelledA,
      total: samples.length,
    }),
  );
  console.log(rows.join('\n'));
}

// ---------------------------------------------------------------------------------------------
// Part 2: a server per mode

function hooksTimeline() {
  const als = new AsyncLocalStorage();
  let times = new Float64Array(1024);
  let ids = new Int32Array(1024);
  let length = 0;
  let current = 0;
  const stack = [];
  const now = () => {
    const [s, ns] = process.hrtime();
    return s * 1e6 + ns / 1e3;
  };
  const switchTo = (id) => {
    if (id === current) return;
    current = id;
    if (length === times.length) {
      const t = new Float64Array(length * 2);
      t.set(times);
      const i = new Int32Array(length * 2);
      i.set(ids);
      times = t;
      ids = i;
    }
    times[length] = now();
    ids[length++] = id;
  };
  const hook = createHook({
    before() {
      stack.push(current);
      switchTo(als.getStore()?.id ?? 0);
    },
    after() {
      switchTo(stack.pop() ?? 0);
    },
  });
  let open = 0;
  return {
    enter(id) {
      if (open++ === 0) hook.enable();
      als.enterWith({ id });
      switchTo(id);
    },
    leave() {
      if (--open === 0) {
        hook.disable();
        length = 0;
      }
    },
  };
}

function server(mode) {
  let prof;
  let hooks;
  if (mode === 'pprof' || mode === 'labels') prof = startLabelled();
  if (mode === 'hooks') hooks = hooksTimeline();
  let nextId = 1;
  let finished = [];
  let kept = 0;
  if (prof) {
    setInterval(() => {
      const samples = prof.rotate();
      if (mode !== 'labels') return;
      // What a backend does per rotation: each finished request takes the samples labelled with it.
      const byLabel = new Map();
      for (const s of samples) {
        if (s[1] === undefined) continue;
        let list = byLabel.get(s[1]);
        if (!list) byLabel.set(s[1], (list = []));
        list.push(s);
      }
      for (const id of finished) kept += byLabel.get(id)?.length ?? 0;
      finished = [];
    }, 20);
  }
  const srv = http.createServer((_req, res) => {
    let id = 0;
    if (mode === 'labels') prof.label((id = nextId++));
    if (hooks) hooks.enter((id = nextId++));
    asyncWork().then((x) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ x }));
      if (mode === 'labels') finished.push(id);
      if (hooks) hooks.leave();
    });
  });
  srv.listen(0, '127.0.0.1', () => process.send({ url: `http://127.0.0.1:${srv.address().port}/async` }));
  process.on('message', (m) => {
    if (m === 'cpu') {
      const c = process.cpuUsage();
      process.send({ cpu: c.user + c.system, kept });
    } else if (m === 'stop') process.exit(0);
  });
}

async function cost(seconds, rounds) {
  const autocannon = createRequire(import.meta.url)('autocannon');
  const modes = ['bare', 'pprof', 'labels', 'hooks'];
  const children = {};
  for (const m of modes) {
    const child = fork(new URL(import.meta.url), ['--server', m], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const { url } = await new Promise((r) => child.once('message', r));
    const ask = () =>
      new Promise((r) => {
        child.once('message', r);
        child.send('cpu');
      });
    children[m] = { child, url, ask };
  }
  const run = (url, duration) => autocannon({ url, connections: 8, duration });
  for (const m of modes) await run(children[m].url, 1);
  const res = Object.fromEntries(modes.map((m) => [m, []]));
  for (let r = 0; r < rounds; r++) {
    const order = modes.map((_, i) => modes[(i + r) % modes.length]);
    for (const m of order) {
      const c0 = await children[m].ask();
      const a = await run(children[m].url, seconds);
      const c1 = await children[m].ask();
      if (a.errors || a.non2xx || a.timeouts) throw new Error(`${m}: errors`);
      res[m].push({ rps: a.requests.total / a.duration, cpuUs: (c1.cpu - c0.cpu) / a.requests.total, kept: c1.kept });
    }
  }
  for (const m of modes) children[m].child.send('stop');
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const out = {};
  for (const m of modes) {
    out[m] = {
      rps: Math.round(med(res[m].map((x) => x.rps))),
      xBare: Number(med(res[m].map((x, i) => x.rps / res.bare[i].rps)).toFixed(2)),
      cpuUsPerReq: Math.round(med(res[m].map((x) => x.cpuUs))),
      runs: res[m].map((x) => Math.round(x.rps)),
    };
  }
  if (res.labels.length) out.labels.samplesKept = res.labels.at(-1).kept;
  console.log(JSON.stringify({ part: 'cost', node: process.versions.node, seconds, rounds, ...out }, null, 1));
}

const argv = process.argv.slice(2);
if (argv[0] === '--server') server(argv[1]);
else {
  await separation();
  await cost(Number(argv[0] ?? 3), Number(argv[1] ?? 3));
}
