// Steady traffic whose recordings are all dropped: Express `/b/async`, `slowThreshold: 60_000`
// (the production setting, where no request is slow enough to keep), default `context`
// attribution, 8 connections for SECONDS (default 40). Prints the server's RSS and heap (after GC)
// every 5 s: with every recording dropped, V8's running profile and the context timeline must
// still be rotated and trimmed, so memory stays flat.
//   node bench/steady-drop.mjs [seconds]      (after building core and the express adapter)
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';

const autocannon = createRequire(import.meta.url)('autocannon');
const [role] = process.argv.slice(2);

if (role === 'server') {
  const { startApp } = await import('./apps.mjs');
  const quiet = { info() {}, warn: console.warn, error: console.error };
  const url = await startApp('express', { printEachRequest: false, logger: quiet, slowThreshold: 60_000 });
  process.on('message', (m) => {
    if (m !== 'mem') process.exit(0);
    globalThis.gc?.();
    const { rss, heapUsed, arrayBuffers } = process.memoryUsage();
    process.send({ rss, heapUsed, arrayBuffers });
  });
  process.send({ url });
} else {
  const seconds = Number(role ?? 40);
  const child = fork(new URL(import.meta.url), ['server'], { execArgv: ['--expose-gc'] });
  const { url } = await new Promise((resolve) => child.once('message', resolve));
  const mem = () =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send('mem');
    });
  const mb = (n) => (n / 2 ** 20).toFixed(1).padStart(7);
  console.log(`Node ${process.version}, Express /b/async, slowThreshold 60 s, ${seconds} s at 8 connections`);
  console.log('     s  RSS MB  heap MB  buffers MB  requests');
  let requests = 0;
  const run = autocannon({ url: `${url}/b/async`, connections: 8, duration: seconds });
  run.on('response', () => requests++);
  for (let t = 0; t <= seconds; t += 5) {
    const m = await mem();
    console.log(`${String(t).padStart(6)} ${mb(m.rss)}  ${mb(m.heapUsed)}     ${mb(m.arrayBuffers)}  ${requests}`);
    if (t < seconds) await new Promise((resolve) => setTimeout(resolve, 5000));
  }
  await run;
  child.send('stop');
}
