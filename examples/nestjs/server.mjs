import { createApp } from './app.mjs';

const port = Number(process.env.PORT ?? 3000);
const platform = process.env.PLATFORM === 'fastify' ? 'fastify' : 'express';
const app = await createApp({ outputDir: 'profiles', output: ['text', 'json'] }, { platform });
await app.listen(port, '127.0.0.1');
console.log(
  `NestJS (${platform}) example listening on http://127.0.0.1:${port}  (try /cpu, /io, /error, /users/42, /stream)`,
);
