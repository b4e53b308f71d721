// One command: build the example with tsc, start it on Express and on Fastify, profile a few
// requests on each, print their trees (at the .ts sources) and write their reports to profiles/.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OUTPUT_FORMATS, type OutputFormat } from '@prof/core';
import { createApp } from './app.module.js';

const outputDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'profiles');
const output = (['html', 'text', 'json', 'speedscope'] as OutputFormat[]).filter((f) => f in OUTPUT_FORMATS);
const routes: Record<string, string[]> = {
  express: ['/articles?q=node+cpu+loop', '/articles?q=cache+stream', '/cpu?n=1000000', '/error'],
  fastify: ['/articles?q=event+loop'],
};

for (const platform of ['express', 'fastify'] as const) {
  console.log(`\n=== NestJS on @nestjs/platform-${platform} ===`);
  const app = await createApp({ outputDir, output }, { platform });
  await app.listen(0, '127.0.0.1');
  const base = await app.getUrl();
  for (const route of routes[platform]!) {
    const res = await fetch(base + route);
    console.log(`\n>>> GET ${route} → ${res.status} ${(await res.text()).slice(0, 60)}`);
    // Reports are delivered just after the response; give the sinks a moment.
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await app.close();
}
console.log(`\nReports (${output.join(', ')}) written to ${path.relative(process.cwd(), outputDir)}/`);
