// Where a profiled request's cost goes (Express, default `context` attribution, 8 connections,
// 5 paired rounds of 1 s, median server CPU µs per request and throughput × bare):
//   bare            no prof
//   dropped-window  every request recorded with attribution 'window', none kept (slowThreshold 60 s)
//   dropped         the same with `context` attribution: recording and its context tracking
//   noop            every report built and handed to onReport, which reads nothing
//   samples         onReport reads report.samples (the cut samples, async stitching)
//   json            onReport renders report.json() (bench/run.mjs's 'profiled')
//   node bench/report-cost.mjs [route]      (route: /b/async by default, or /b/hello, /b/cpu)
// Run after building core and the express adapter (`pnpm bench` builds them).
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
const autocannon = createRequire(import.meta.url)('autocannon');
const [role, cfg] = process.argv.slice(2);
const route = role === 'server' ? '' : (process.argv[2] ?? '/b/async');
const quiet = { info() {}, warn: console.warn, error: console.error };
const CFG = {
  bare: false,
  'dropped-window': { printEachRequest: false, logger: quiet, slowThreshold: 60_000, attribution: 'window' },
  dropped: { printEachRequest: false, logger: quiet, slowThreshold: 60_000 },
  noop: { printEachRequest: false, logger: quiet, onReport() {} },
  samples: {
    printEachRequest: false,
    logger: quiet,
    onReport(r) {
      void r.samples;
    },
  },
  json: {
    printEachRequest: false,
    logger: quiet,
    onReport(r) {
      r.json();
    },
  },
};
if (role === 'server') {
  const { startApp } = await import('./apps.mjs');
  const url = await startApp('express', CFG[cfg]);
  process.on('message', (m) => {
    if (m === 'cpu') {
      const c = process.cpuUsage();
      process.send({ cpu: c.user + c.system });
    } else process.exit(0);
  });
  process.send({ url });
} else {
  const names = Object.keys(CFG);
  const s = {};
  for (const n of names) {
    const child = fork(new URL(import.meta.url), ['server', n]);
    const { url } = await new Promise((r) => child.once('message', r));
    s[n] = {
      child,
      url,
      cpu: () =>
        new Promise((r) => {
          child.once('message', (m) => r(m.cpu));
          child.send('cpu');
        }),
    };
  }
  for (const n of names) await autocannon({ url: `${s[n].url}${route}`, connections: 8, duration: 1 });
  const res = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < 5; round++)
    for (const n of names.map((_, i) => names[(i + round) % names.length])) {
      const c0 = await s[n].cpu();
      const r = await autocannon({ url: `${s[n].url}${route}`, connections: 8, duration: 1 });
      res[n].push([((await s[n].cpu()) - c0) / r.requests.total, r.requests.total / r.duration]);
    }
  const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  for (const n of names)
    console.log(
      n,
      'cpuUs/req',
      Math.round(med(res[n].map((x) => x[0]))),
      'xBare',
      med(res[n].map((x, i) => x[1] / res.bare[i][1])).toFixed(2),
    );
  for (const n of names) s[n].child.send('stop');
}
