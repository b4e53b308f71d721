import { createApp } from './app.module.js';

const port = Number(process.env.PORT ?? 3000);
const platform = process.env.PLATFORM === 'fastify' ? 'fastify' : 'express';
const app = await createApp(
  { outputDir: process.env.PROFILES_DIR ?? 'profiles', output: ['text', 'json', 'html'] },
  { platform },
);
await app.listen(port, '127.0.0.1');
console.log(
  `NestJS (${platform}) example listening on ${await app.getUrl()}  (try /articles, /cpu, /io, /error, /users/42, /stream)`,
);
