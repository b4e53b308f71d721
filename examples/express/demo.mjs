// The README's first command ends here: start the example, profile a few requests, print their
// trees and write their reports to examples/express/profiles/.
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { OUTPUT_FORMATS } from '@prof/core';
import { createApp } from './app.mjs';

const outputDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profiles');
const output = ['html', 'text', 'json', 'speedscope'].filter((f) => f in OUTPUT_FORMATS);
const written = [];
const app = createApp({
  outputDir,
  output,
  onReport: (report) => written.push(report.meta),
});
const server = app.listen(0, '127.0.0.1');
await once(server, 'listening');
const base = `http://127.0.0.1:${server.address().port}`;

for (const route of ['/cpu', '/io', '/articles', '/articles', '/error']) {
  const res = await fetch(base + route);
  console.log(`\n>>> GET ${route} → ${res.status} ${(await res.text()).slice(0, 60)}`);
  // Reports are delivered just after the response; give the sinks a moment.
  await new Promise((resolve) => setTimeout(resolve, 100));
}
server.close();
console.log(`\nReports (${output.join(', ')}) written to ${path.relative(process.cwd(), outputDir)}/`);
if (output.includes('html')) console.log('Open the .html files in a browser.');
