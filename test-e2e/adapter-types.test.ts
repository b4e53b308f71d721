import { createServer, type Server } from 'node:http';
import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { afterAll, describe, expect, it } from 'vitest';
import { profiler as expressProfiler } from '@prof/express';
import { profiler as fastifyProfiler } from '@prof/fastify';
import { profiler as honoProfiler } from '@prof/hono';
import { profiler as koaProfiler } from '@prof/koa';
import type { NestProfilerOptions } from '@prof/nestjs';
import { nestExample } from './apps/nest.js';
import { get, listen } from './helpers.js';

// `enabled` and `allow` receive each framework's own request, typed as such: this file compiles
// only if `req.ip`, `request.ip`, `ctx.ip`, `c.req.header()` and `req.socket` type-check (the
// root `tsc -p tsconfig.json` of the test command), and each predicate really runs on a server.
const local = (ip: string | undefined): boolean => ip === '127.0.0.1' || ip === '::ffff:127.0.0.1';
const quiet = { printEachRequest: false, logger: { info() {}, warn() {}, error() {} } };

const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of closers) await c();
});
const closeServer = (s: Server) => () => new Promise((resolve) => s.close(resolve));

async function expectReport(url: string): Promise<void> {
  const res = await get(`${url}/hello?profile=json`);
  expect(res.status).toBe(200);
  expect(JSON.parse(res.body).schema).toBe('prof.report/1');
  // The `enabled` predicate said no to /skip: no report, the app answers.
  expect((await get(`${url}/skip?profile=json`)).body).toBe('app');
}

describe('typed requests in enabled and allow', () => {
  it('Express hands its Request', async () => {
    const app = express();
    app.use(
      expressProfiler({
        ...quiet,
        queryParam: 'profile',
        enabled: (req) => req.path !== '/skip',
        allow: (req) => local(req.ip) && req.path !== '/skip',
      }),
    );
    app.get('/{*any}', (_req, res) => {
      res.send('app');
    });
    const server = createServer(app);
    closers.push(closeServer(server));
    await expectReport(await listen(server));
  });

  it('Fastify hands its FastifyRequest', async () => {
    const app = Fastify();
    await app.register(fastifyProfiler, {
      ...quiet,
      queryParam: 'profile',
      enabled: (request) => !request.url.startsWith('/skip'),
      allow: (request) => local(request.ip) && !request.url.startsWith('/skip'),
    });
    app.get('/*', async () => 'app');
    await app.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => app.close());
    const address = app.server.address();
    await expectReport(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`);
  });

  it('Koa hands its Context', async () => {
    const app = new Koa();
    app.use(
      koaProfiler({
        ...quiet,
        queryParam: 'profile',
        enabled: (ctx) => ctx.path !== '/skip',
        allow: (ctx) => local(ctx.ip) && ctx.path !== '/skip',
      }),
    );
    app.use((ctx) => {
      ctx.body = 'app';
    });
    const server = createServer(app.callback());
    closers.push(closeServer(server));
    await expectReport(await listen(server));
  });

  it('Hono hands its Context', async () => {
    const app = new Hono();
    app.use(
      honoProfiler({
        ...quiet,
        queryParam: 'profile',
        enabled: (c) => c.req.path !== '/skip',
        allow: (c) => c.req.header('host')?.startsWith('127.0.0.1') === true && c.req.path !== '/skip',
      }),
    );
    app.get('*', (c) => c.text('app'));
    const url = await new Promise<string>((resolve) => {
      const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        closers.push(closeServer(server as Server));
        resolve(`http://127.0.0.1:${info.port}`);
      });
    });
    await expectReport(url);
  });

  it("NestJS hands Node's IncomingMessage", async () => {
    const options: NestProfilerOptions = {
      ...quiet,
      queryParam: 'profile',
      allow: (req) => local(req.socket.remoteAddress),
    };
    const app = await nestExample.createApp(options);
    await app.listen(0, '127.0.0.1');
    closers.push(() => app.close());
    const address = app.getHttpServer().address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const res = await get(`${url}/users/1?profile=json`);
    expect(JSON.parse(res.body).schema).toBe('prof.report/1');
  });
});
