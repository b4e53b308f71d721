// One command: start the example, profile a few requests, print their trees and write their
// reports to examples/hono/profiles/.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { OUTPUT_FORMATS } from '@prof/core';
import { serve } from '@hono/node-server';
import { createApp } from './app.mjs';

async function start(opts) {
  const app = createApp(opts);
  const server = await new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const outputDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profiles');
const output = ['html', 'text', 'json', 'speedscope'].filter((f) => f in OUTPUT_FORMATS);
const { base, close } = await start({ outputDir, output });

for (const route of ['/cpu', '/io', '/error', '/users/42']) {
  const res = await fetch(base + route);
  console.log(`\n>>> GET ${route} → ${res.status} ${(await res.text()).slice(0, 60)}`);
  // Reports are delivered just after the response; give the sinks a moment.
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await close();
console.log(`\nReports (${output.join(', ')}) written to ${path.relative(process.cwd(), outputDir)}/`);
if (output.includes('html')) console.log('Open the .html files in a browser.');
