// One command: start the NestJS example on Express and on Fastify, profile a few requests on
// each, print their trees and write their reports to examples/nestjs/profiles/.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { OUTPUT_FORMATS } from '@prof/core';
import { createApp } from './app.mjs';

const outputDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'profiles');
const output = ['html', 'text', 'json', 'speedscope'].filter((f) => f in OUTPUT_FORMATS);

for (const platform of ['express', 'fastify']) {
  console.log(`\n=== NestJS on @nestjs/platform-${platform} ===`);
  const app = await createApp({ outputDir, output }, { platform });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
  for (const route of ['/cpu', '/io', '/error']) {
    const res = await fetch(base + route);
    console.log(`\n>>> GET ${route} → ${res.status} ${(await res.text()).slice(0, 60)}`);
    // Reports are delivered just after the response; give the sinks a moment.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await app.close();
}
console.log(`\nReports (${output.join(', ')}) written to ${path.relative(process.cwd(), outputDir)}/`);
if (output.includes('html')) console.log('Open the .html files in a browser.');
