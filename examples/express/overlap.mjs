// Two overlapping requests, each with its own report: /io is waiting on its timers while /cpu
// runs. Run: node examples/express/overlap.mjs
import { once } from 'node:events';
import { createApp } from './app.mjs';

const server = createApp({ render: { color: process.stdout.isTTY } }).listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${server.address().port}`;
const io = fetch(`${base}/io`);
await new Promise((r) => setTimeout(r, 5));
const cpu = fetch(`${base}/cpu`);
await Promise.all([io, cpu].map(async (p) => (await p).text()));
await new Promise((r) => setTimeout(r, 200));
server.close();
