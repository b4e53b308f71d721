// A profiled request's added latency in a large app (60,000 compiled functions), per sampler
// backend: Express 5, one request at a time, requests 1.2 s apart and back-to-back; medians.
//   node bench/large-app.mjs [backends...]   (after the build; default: bare native v8 inspector)
// Each configuration runs in its own server process. The functions are compiled before the
// middleware is created (the costly case: the warm-up then walks all of them, once, at startup).
import { fork } from 'node:child_process';
import { writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const FUNCTIONS = Number(process.env.FUNCTIONS ?? 60_000);
const SPACED = Number(process.env.SPACED ?? 12);
const BACK_TO_BACK = Number(process.env.BACK_TO_BACK ?? 200);

if (process.argv[2] === 'server') {
  const backend = process.argv[3];
  const file = join(tmpdir(), `prof-bench-${FUNCTIONS}-functions.cjs`);
  if (!existsSync(file)) {
    let src = '';
    for (let i = 0; i < FUNCTIONS; i++) src += `function f${i}(x){return x*${i}+${i % 7}}\n`;
    src += `exports.fns=[${Array.from({ length: FUNCTIONS }, (_, i) => `f${i}`).join(',')}];\n`;
    writeFileSync(file, src);
  }
  const require = createRequire(import.meta.url);
  const { fns } = require(file);
  let sum = 0;
  for (const f of fns) sum += f(1);
  const express = (await import('express')).default;
  const app = express();
  let warmMs = 0;
  let line = '';
  let setupError = '';
  if (backend !== 'bare') {
    const { profiler } = await import('@prof/express');
    const t = performance.now();
    app.use(
      profiler({
        sampler: backend,
        printEachRequest: false,
        logger: { info: (m) => void (line ||= m), warn: console.warn, error: (m) => void (setupError ||= m) },
      }),
    );
    warmMs = performance.now() - t;
    if (setupError) {
      process.send({ unavailable: setupError.replace(/ \(the request went on.*$/, '') });
      process.exit(0);
    }
  }
  app.get('/hello', (_req, res) => {
    let s = 0;
    for (let i = 0; i < 300; i++) s += fns[(i * 7919) % fns.length](i);
    res.send(`hello ${s}`);
  });
  // Server-side time of each request, arrival to 'finish': the client's latency on this shared
  // machine is dominated by scheduling noise (waking an idle process, other tenants).
  let durations = [];
  const server = http.createServer();
  server.prependListener('request', (_req, res) => {
    const t = performance.now();
    res.once('finish', () => durations.push(performance.now() - t));
  });
  server.on('request', app);
  server.listen(0, '127.0.0.1', () => {
    process.send({ port: server.address().port, warmMs, line, sum });
  });
  process.on('message', (m) => {
    if (m === 'stop') process.exit(0);
    if (m === 'durations') {
      process.send({ durations });
      durations = [];
    }
  });
} else {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (port) =>
    new Promise((resolve, reject) => {
      const t = performance.now();
      http
        .get({ host: '127.0.0.1', port, path: '/hello', agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(performance.now() - t));
        })
        .on('error', reject);
    });
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const backends = process.argv.slice(2).length ? process.argv.slice(2) : ['bare', 'native', 'v8', 'inspector'];
  const rows = [];
  for (const backend of backends) {
    const child = fork(new URL(import.meta.url).pathname, ['server', backend], {
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const ready = await new Promise((resolve) => {
      child.once('message', resolve);
      child.once('exit', () => resolve(null));
    });
    if (ready?.unavailable) {
      rows.push({ backend, note: ready.unavailable });
      continue;
    }
    if (!ready) {
      rows.push({
        backend,
        note: `unavailable: ${err.split('\n').find((l) => l.includes('prof:')) ?? err.trim().split('\n')[0]}`,
      });
      continue;
    }
    if (ready.line && !ready.line.startsWith('prof: sampling with')) rows.push({ backend, note: ready.line });
    const serverSide = async () => {
      child.send('durations');
      return (await new Promise((resolve) => child.once('message', resolve))).durations;
    };
    for (let i = 0; i < 30; i++) await get(ready.port);
    await serverSide();
    const spaced = [];
    for (let i = 0; i < SPACED; i++) {
      await sleep(1200);
      spaced.push(await get(ready.port));
    }
    const spacedServer = await serverSide();
    const b2b = [];
    for (let i = 0; i < BACK_TO_BACK; i++) b2b.push(await get(ready.port));
    const b2bServer = await serverSide();
    child.send('stop');
    const fault = err.match(/prof: .* failed.*/);
    rows.push({
      backend,
      warmMs: ready.warmMs,
      spaced: median(spaced),
      b2b: median(b2b),
      spacedS: median(spacedServer),
      b2bS: median(b2bServer),
      fault: fault?.[0],
    });
  }
  const bare = rows.find((r) => r.backend === 'bare' && r.spaced !== undefined);
  console.log(
    `Node ${process.versions.node}, Express 5, ${FUNCTIONS} compiled functions; median ms per request (added vs bare)`,
  );
  for (const r of rows) {
    if (r.note) {
      console.log(`  ${r.backend.padEnd(10)} ${r.note}`);
      continue;
    }
    const d = (x, b) => (bare && r !== bare ? ` (${x - b >= 0 ? '+' : ''}${(x - b).toFixed(2)})` : '');
    console.log(
      `  ${r.backend.padEnd(10)} server-side: 1.2 s apart ${r.spacedS.toFixed(2)}${d(r.spacedS, bare?.spacedS)}, back-to-back ${r.b2bS.toFixed(2)}${d(r.b2bS, bare?.b2bS)}` +
        ` | client: 1.2 s apart ${r.spaced.toFixed(2)}${d(r.spaced, bare?.spaced)}, back-to-back ${r.b2b.toFixed(2)}${d(r.b2b, bare?.b2b)}` +
        (r.backend !== 'bare' ? `   warm-up at creation ${r.warmMs.toFixed(0)} ms` : '') +
        (r.fault ? `   FAULT: ${r.fault}` : ''),
    );
  }
}
