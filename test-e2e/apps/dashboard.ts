import { createServer, type Server } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import Router from '@koa/router';
import { Controller, Get, Param } from '@nestjs/common';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import type { Logger } from '@prof/core';
import { profiler } from '@prof/express';
import fastifyProfiler from '@prof/fastify';
import { profiler as honoProfiler } from '@prof/hono';
import { profiler as koaProfiler } from '@prof/koa';
import { decorate, nestExample } from './nest.js';

// Apps for the dashboard's tests (issue 15): each serves `/_prof` to requests carrying
// `x-admin: 1`, and has GET /items/:id (CPU work), GET /health and HOSTILE_ROUTE; anything else
// is the framework's own 404.

/** A route pattern that is markup: the page must show it as text. No space, quote or parenthesis,
 * so every router takes it and a raw (unencoded) request path reaches it. */
export const HOSTILE_ROUTE = '/x/<svg/onload=document.title=1>';

export function dashWork(n: number): number {
  let x = 0;
  for (let i = 0; i < n; i++) x += Math.sqrt(i);
  return x;
}

/**
 * GET /items/:id's work: ids from 10 up do 8x (requests 0-9 set the route's p90, 10 and 11 are
 * slow; 8x so that a loaded machine stretching one light request, or the cold first one, does not
 * lift the p90 above them).
 */
export function itemWork(id: string): number {
  return dashWork(Number(id) >= 10 ? 12_000_000 : 1_500_000);
}

export interface DashboardApp {
  name: string;
  /** A server, listening when the framework needs to be readied by its own listen. */
  start(logger: Logger, extra?: Record<string, unknown>): Promise<Server>;
}

const allow = (req: { headers: Record<string, unknown> }): boolean => req.headers['x-admin'] === '1';
const options = (logger: Logger, extra: Record<string, unknown> = {}) =>
  ({ dashboard: '/_prof', printEachRequest: false, logger, ...extra }) as const;

// The same routes as a Nest controller (legacy decorators applied by hand, as in nest.test.ts).
class DashController {
  item(id: string): string {
    return `item ${id} ${itemWork(id)}`;
  }
  health(): string {
    return 'ok';
  }
  hostile(): string {
    return 'hostile';
  }
}
decorate(DashController, undefined, Controller());
decorate(DashController, 'item', Get('items/:id'));
Param('id')(DashController.prototype, 'item', 0);
decorate(DashController, 'health', Get('health'));
decorate(DashController, 'hostile', Get(HOSTILE_ROUTE.slice(1)));

export const DASHBOARD_APPS: DashboardApp[] = [
  {
    name: 'express',
    async start(logger, extra) {
      const app = express();
      app.use(profiler({ ...options(logger, extra), allow }));
      app.get('/items/:id', (req, res) => void res.send(`item ${req.params.id} ${itemWork(req.params.id)}`));
      app.get('/health', (_req, res) => void res.send('ok'));
      app.get(HOSTILE_ROUTE, (_req, res) => void res.send('hostile'));
      return createServer(app);
    },
  },
  {
    name: 'fastify',
    async start(logger, extra) {
      const app = Fastify();
      await app.register(fastifyProfiler, { ...options(logger, extra), allow });
      app.get('/items/:id', async (req) => `item ${itemWork((req.params as { id: string }).id)}`);
      app.get('/health', async () => 'ok');
      app.get(HOSTILE_ROUTE, async () => 'hostile');
      await app.ready();
      return app.server;
    },
  },
  {
    name: 'koa',
    async start(logger, extra) {
      const app = new Koa();
      const router = new Router();
      app.use(koaProfiler({ ...options(logger, extra), allow: (ctx) => ctx.get('x-admin') === '1' }));
      router.get('/items/:id', (ctx) => {
        ctx.body = `item ${ctx.params.id} ${itemWork(ctx.params.id ?? '')}`;
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
    async start(logger, extra) {
      const app = new Hono();
      app.use(honoProfiler({ ...options(logger, extra), allow: (c) => c.req.header('x-admin') === '1' }));
      app.get('/items/:id', (c) => c.text(`item ${itemWork(c.req.param('id'))}`));
      app.get('/health', (c) => c.text('ok'));
      return createServer(getRequestListener(app.fetch));
    },
  },
  ...(['express', 'fastify'] as const).map(
    (platform): DashboardApp => ({
      name: `nestjs on ${platform}`,
      async start(logger, extra) {
        const app = await nestExample.createApp(
          { ...options(logger, extra), allow },
          { platform, controllers: [DashController] },
        );
        // Nest's listen readies Fastify's instance: a bare server.listen would not.
        await app.listen(0, '127.0.0.1');
        return app.getHttpServer() as Server;
      },
    }),
  ),
];
