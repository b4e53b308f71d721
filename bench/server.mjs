// One benchmark server in its own process, so one configuration's profiler state cannot leak
// into another's. Usage (forked by run.mjs, with IPC): node server.mjs <adapter> <config>
//   bare       the app without prof
//   disabled   prof installed with `enabled: false`
//   profiled   every request profiled (default attribution 'context'), report rendered to JSON
//              in onReport, no printing
//   window     as profiled, attribution 'window'
//   hooks      as profiled, started by run.mjs with @datadog/pprof hidden (the async-hook timeline)
//   naive      the bare app, plus a fresh v8-profiler-next profile started and stopped around
//              every request (bench only: the way prof avoids)
// Sends {url} when listening; answers 'mem' with heap after GC and RSS, 'cpu' with its CPU
// time; exits on 'stop'.
import http from 'node:http';
import { createRequire } from 'node:module';
import { startApp } from './apps.mjs';

const [adapter, config] = process.argv.slice(2);
let reports = 0;
const profiled = (attribution) => ({
  printEachRequest: false,
  attribution,
  // Quiet: no printing of any kind (the backend's start-up line included).
  logger: { info() {}, warn: console.warn, error: console.error },
  onReport(report) {
    report.json();
    reports++;
  },
});

const OPTIONS = {
  bare: false,
  disabled: { enabled: false },
  profiled: profiled('context'),
  window: profiled('window'),
  // As profiled; run.mjs starts it with @datadog/pprof hidden, so `context` runs the hook timeline.
  hooks: profiled('context'),
  naive: false,
};
if (!(config in OPTIONS)) throw new Error(`unknown config ${config}`);

if (config === 'naive') {
  const v8p = createRequire(import.meta.url)('v8-profiler-next');
  v8p.setGenerateType(1);
  v8p.setSamplingInterval(1000);
  let n = 0;
  // Around every 'request' event of every HTTP server: works for each framework unchanged.
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (event, ...args) {
    const res = args[1];
    if (event === 'request') {
      const title = `req${++n}`;
      v8p.startProfiling(title, true);
      res.once('close', () => {
        v8p.stopProfiling(title).delete();
        reports++;
      });
    }
    return emit.call(this, event, ...args);
  };
}

const url = await startApp(adapter, OPTIONS[config]);
process.on('message', (msg) => {
  if (msg === 'mem') {
    globalThis.gc?.();
    globalThis.gc?.();
    const m = process.memoryUsage();
    process.send({ heapUsed: m.heapUsed, rss: m.rss, reports });
  } else if (msg === 'cpu') {
    // CPU time of this process (all threads, µs): robust to the load generator's contention.
    const c = process.cpuUsage();
    process.send({ cpu: c.user + c.system });
  } else if (msg === 'stop') {
    process.exit(0);
  }
});
process.send({ url });
