// One command: start the example, profile a few requests, print their trees and write their
// reports to examples/koa/profiles/.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { OUTPUT_FORMATS } from '@prof/core';
import { once } from 'node:events';
import { createApp } from './app.mjs';

async function start(opts) {
  const server = createApp(opts).listen(0, '127.0.0.1');
  await once(server, 'listening');
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
