import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { getRequestListener } from '@hono/node-server';
import Router from '@koa/router';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { Controller, Get, Param } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profiler } from '@prof/express';
import fastifyProfiler from '@prof/fastify';
import { profiler as honoProfiler } from '@prof/hono';
import { profiler as koaProfiler } from '@prof/koa';
import { decorate, nestExample } from './apps/nest.js';
import { captureLogger, get, listen } from './helpers.js';

// The dashboard's JSON API on real servers with real HTTP (issue 15). One table row per adapter;
// each app has two routes and answers 404 itself for anything else.

function dashWork(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i);
  return x;
}

// The same two routes as a Nest controller (legacy decorators applied by hand, as in nest.test.ts).
class DashController {
  item(id: string): string {
    return `item ${id} ${dashWork(2_000_000)}`;
  }
  health(): string {
    return 'ok';
  }
}
decorate(DashController, undefined, Controller());
decorate(DashController, 'item', Get('items/:id'));
Param('id')(DashController.prototype, 'item', 0);
decorate(DashController, 'health', Get('health'));

interface Row {
  name: string;
  /** A server whose profiler serves `/_prof` to requests carrying `x-admin: 1`. */
  start(): Promise<Server>;
}

const quiet = captureLogger();
const allow = (req: { headers: Record<string, unknown> }): boolean => req.headers['x-admin'] === '1';

const opts = { dashboard: '/_prof', printEachRequest: false, logger: quiet } as const;

const rows: Row[] = [
  {
    name: 'express',
    async start() {
      const app = express();
      app.use(profiler({ dashboard: '/_prof', allow, printEachRequest: false, logger: quiet }));
      app.get('/items/:id', (req, res) => void res.send(`item ${req.params.id} ${dashWork(2_000_000)}`));
      app.get('/health', (_req, res) => void res.send('ok'));
      return createServer(app);
    },
  },
  {
    name: 'fastify',
    async start() {
      const app = Fastify();
      await app.register(fastifyProfiler, { ...opts, allow });
      app.get('/items/:id', async (req) => `item ${(req.params as { id: string }).id} ${dashWork(2_000_000)}`);
      app.get('/health', async () => 'ok');
      await app.ready();
      return app.server;
    },
  },
  {
    name: 'koa',
    async start() {
      const app = new Koa();
      const router = new Router();
      app.use(koaProfiler({ ...opts, allow: (ctx) => ctx.get('x-admin') === '1' }));
      router.get('/items/:id', (ctx) => {
        ctx.body = `item ${ctx.params.id} ${dashWork(2_000_000)}`;
      });
      router.get('/health', (ctx) => {
        ctx.body = 'ok';
      });
      app.use(router.routes());
      return createServer(app.callback());
    },
  },
  {
    name: 'hono on node',
    async start() {
      const app = new Hono();
      app.use(honoProfiler({ ...opts, allow: (c) => c.req.header('x-admin') === '1' }));
      app.get('/items/:id', (c) => c.text(`item ${c.req.param('id')} ${dashWork(2_000_000)}`));
      app.get('/health', (c) => c.text('ok'));
      return createServer(getRequestListener(app.fetch));
    },
  },
  ...(['express', 'fastify'] as const).map(
    (platform): Row => ({
      name: `nestjs on ${platform}`,
      async start() {
        const app = await nestExample.createApp({ ...opts, allow }, { platform, controllers: [DashController] });
        // Nest's listen readies Fastify's instance: a bare server.listen would not.
        await app.listen(0, '127.0.0.1');
        return app.getHttpServer() as Server;
      },
    }),
  ),
];

describe.each(rows)('dashboard API on $name', (row) => {
  let server: Server;
  let base = '';
  const admin = { headers: { 'x-admin': '1' } };

  beforeAll(async () => {
    server = await row.start();
    base = server.listening ? `http://127.0.0.1:${(server.address() as AddressInfo).port}` : await listen(server);
    for (let i = 0; i < 12; i++) await get(`${base}/items/${i}`);
    for (let i = 0; i < 5; i++) await get(`${base}/health`);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const routes = async (): Promise<{ id: string; method: string; route: string; count: number }[]> => {
    // Aggregation happens in delivery, just after each response: wait for the last ones.
    const deadline = Date.now() + 10_000;
    for (;;) {
      const res = await get(`${base}/_prof/api/routes`, admin);
      expect(res.status).toBe(200);
      const body = JSON.parse(res.body) as { routes: { id: string; method: string; route: string; count: number }[] };
      if (body.routes.reduce((n, r) => n + r.count, 0) >= 17 || Date.now() > deadline) return body.routes;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('lists both routes with exact counts and percentiles; its own requests are not among them', async () => {
    const list = await routes();
    expect(list.map((r) => [r.method, r.route, r.count])).toEqual([
      ['GET', '/items/:id', 12],
      ['GET', '/health', 5],
    ]);
    const items = list[0] as unknown as Record<string, number>;
    for (const k of ['p50', 'p95', 'p99', 'cpuPerRequest']) expect(typeof items[k]).toBe('number');
    expect(items.p50).toBeLessThanOrEqual(items.p99!);
  });

  it('renders the aggregate in every format through the registry', async () => {
    const [items] = await routes();
    const url = `${base}/_prof/api/routes/${items!.id}/profile`;
    const json = await get(`${url}?format=json`, admin);
    expect(json.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(json.body).meta).toMatchObject({ requests: 12, route: '/items/:id', method: 'GET' });
    const collapsed = await get(`${url}?format=collapsed`, admin);
    expect(collapsed.body).toMatch(/dashWork/);
    const speedscope = JSON.parse((await get(`${url}?format=speedscope`, admin)).body);
    expect(speedscope.$schema).toMatch(/speedscope/);
    const pprof = await fetch(`${url}?format=pprof`, admin);
    expect(pprof.headers.get('content-disposition')).toMatch(/attachment/);
    expect(gunzipSync(Buffer.from(await pprof.arrayBuffer())).length).toBeGreaterThan(0);
    const html = await get(`${url}?format=html`, admin);
    expect(html.body).toMatch(/Content-Security-Policy/);
    expect((await get(`${url}?format=nope`, admin)).status).toBe(400);
    const slow = JSON.parse((await get(`${url}?format=json&set=slow`, admin)).body);
    const rest = JSON.parse((await get(`${url}?format=json&set=rest`, admin)).body);
    expect(slow.meta.requests + rest.meta.requests).toBe(12);
    const cmp = JSON.parse((await get(`${base}/_prof/api/routes/${items!.id}/compare`, admin)).body);
    expect(cmp.slowRequests + cmp.restRequests).toBe(12);
  });

  it('serves an exemplar, the slowest requests’ full report', async () => {
    const res = await get(`${base}/_prof/api/routes`, admin);
    const items = JSON.parse(res.body).routes[0];
    expect(items.exemplars.length).toBeGreaterThan(0);
    const ex = items.exemplars[0];
    const report = await get(`${base}/_prof/api/routes/${items.id}/exemplars/${ex.id}?format=json`, admin);
    expect(JSON.parse(report.body).meta).toMatchObject({ id: ex.id, route: '/items/:id' });
  });

  it('is gated exactly like ?profile: refused, the request goes on to the app unchanged', async () => {
    for (const path of ['/_prof', '/_prof/api/routes']) {
      const refused = await get(`${base}${path}`);
      const app404 = await get(`${base}/no-such-page`);
      expect(refused.status).toBe(404);
      expect(refused.body).toBe(app404.body.replace('/no-such-page', path));
      expect(refused.body).not.toMatch(/"routes"|prof dashboard/);
    }
    expect((await get(`${base}/_prof`, admin)).headers['content-type']).toMatch(/text\/html/);
  });
});
