// The benchmark's servers: each framework's example app (examples/<fw>/app.mjs, so its
// dependencies resolve from there) plus three bench routes under /b/:
//   /b/hello   a hello-world response
//   /b/cpu     about 2 ms of CPU work (getSumOfList(CPU_N), the examples' own workload)
//   /b/async   hundreds of awaits per request (ASYNC_STEPS async steps, each awaiting twice)
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getSumOfList } from '../examples/shared/work.mjs';

export const ADAPTERS = ['express', 'koa', 'fastify', 'hono', 'nest-express', 'nest-fastify'];
export const CPU_N = 150_000;
export const ASYNC_STEPS = 200;

const examples = new URL('../examples/', import.meta.url);

function cpuWork() {
  return getSumOfList(CPU_N)[0];
}

async function step(i) {
  await null;
  return i & 7;
}

/** ASYNC_STEPS async calls, each with two awaits: ~400 promise continuations, little CPU. */
async function asyncWork() {
  let x = 0;
  for (let i = 0; i < ASYNC_STEPS; i++) x += await step(i);
  return x;
}

/** Starts `adapter` with prof options (or `false`: bare) on 127.0.0.1; resolves its base URL. */
export async function startApp(adapter, options) {
  switch (adapter) {
    case 'express': {
      const { createApp } = await import(new URL('express/app.mjs', examples).href);
      const { createServer } = await import('node:http');
      const app = createApp(options);
      app.get('/b/hello', function helloRoute(_req, res) {
        res.type('text/plain').send('hello world');
      });
      app.get('/b/cpu', function cpuRoute(_req, res) {
        res.json({ sum: cpuWork() });
      });
      app.get('/b/async', async function asyncRoute(_req, res) {
        res.json({ x: await asyncWork() });
      });
      return listen(createServer(app));
    }
    case 'koa': {
      const { createApp } = await import(new URL('koa/app.mjs', examples).href);
      const { createServer } = await import('node:http');
      const app = createApp(options);
      // After the example's router, which passes unmatched paths on.
      app.use(async function benchRoutes(ctx, next) {
        if (ctx.path === '/b/hello') ctx.body = 'hello world';
        else if (ctx.path === '/b/cpu') ctx.body = { sum: cpuWork() };
        else if (ctx.path === '/b/async') ctx.body = { x: await asyncWork() };
        else await next();
      });
      return listen(createServer(app.callback()));
    }
    case 'fastify': {
      // The example calls ready(), so the bench builds its own Fastify app the same way.
      const require = createRequire(fileURLToPath(new URL('fastify/app.mjs', examples)));
      const { default: Fastify } = await import(require.resolve('fastify'));
      const { profiler } = await import('@prof/fastify');
      const app = Fastify();
      if (options !== false) await app.register(profiler, options);
      app.get('/b/hello', function helloRoute(_req, reply) {
        reply.type('text/plain').send('hello world');
      });
      app.get('/b/cpu', function cpuRoute(_req, reply) {
        reply.send({ sum: cpuWork() });
      });
      app.get('/b/async', async function asyncRoute() {
        return { x: await asyncWork() };
      });
      return app.listen({ port: 0, host: '127.0.0.1' });
    }
    case 'hono': {
      const { createApp } = await import(new URL('hono/app.mjs', examples).href);
      const require = createRequire(fileURLToPath(new URL('hono/app.mjs', examples)));
      const { serve } = await import(require.resolve('@hono/node-server'));
      const app = createApp(options);
      app.get('/b/hello', (c) => c.text('hello world'));
      app.get('/b/cpu', (c) => c.json({ sum: cpuWork() }));
      app.get('/b/async', async (c) => c.json({ x: await asyncWork() }));
      return new Promise((resolve) => {
        const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
          resolve(`http://127.0.0.1:${server.address().port}`);
        });
      });
    }
    case 'nest-express':
    case 'nest-fastify': {
      // The TypeScript example as tsc built it (`pnpm bench` builds it with the packages).
      const nestApp = new URL('nestjs/dist/app.module.js', examples);
      const { createApp } = await import(nestApp.href);
      const require = createRequire(fileURLToPath(nestApp));
      const { Controller, Get, Header } = await import(require.resolve('@nestjs/common'));
      const decorate = (target, key, ...decorators) => {
        if (key === undefined) for (const d of decorators) d(target);
        else
          for (const d of decorators) d(target.prototype, key, Object.getOwnPropertyDescriptor(target.prototype, key));
      };
      class BenchController {
        helloRoute() {
          return 'hello world';
        }
        cpuRoute() {
          return { sum: cpuWork() };
        }
        async asyncRoute() {
          return { x: await asyncWork() };
        }
      }
      decorate(BenchController, undefined, Controller('b'));
      decorate(BenchController, 'helloRoute', Get('hello'), Header('content-type', 'text/plain'));
      decorate(BenchController, 'cpuRoute', Get('cpu'));
      decorate(BenchController, 'asyncRoute', Get('async'));
      const platform = adapter === 'nest-fastify' ? 'fastify' : 'express';
      const app = await createApp(options, { platform, controllers: [BenchController] });
      await app.listen(0, '127.0.0.1');
      return `http://127.0.0.1:${app.getHttpServer().address().port}`;
    }
    default:
      throw new Error(`unknown adapter ${adapter}`);
  }
}

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}
