import { Readable } from 'node:stream';
import Koa from 'koa';
import Router from '@koa/router';
import { profiler } from '@prof/koa';
import { fetchOrders, getSumOfList, streamChunks } from '../shared/work.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The example app; `profilerOptions: false` builds it without prof, for comparison. */
export function createApp(profilerOptions = {}) {
  const app = new Koa();
  // Keep Koa from printing every 500 to stderr; the response is what we show.
  app.silent = true;
  if (profilerOptions !== false) app.use(profiler(profilerOptions));
  const router = new Router();

  // CPU-bound: the seed's random-sum loop.
  router.get('/cpu', function cpuRoute(ctx) {
    const [sum] = getSumOfList(Math.min(Number(ctx.query.n) || 3_000_000, 50_000_000));
    ctx.body = { sum };
  });

  // Async I/O: timers standing in for a database, and some JSON work between them.
  router.get('/io', async function ioRoute(ctx) {
    ctx.body = { orders: await fetchOrders() };
  });

  // Errors still reach Koa's error handling and still yield a report.
  router.get('/error', function errorRoute() {
    throw new Error('boom');
  });

  // A streamed body: Koa writes it after the middleware chain has returned.
  router.get('/stream', function streamRoute(ctx) {
    ctx.type = 'text/plain';
    ctx.body = Readable.from(streamChunks());
  });

  router.get('/users/:id', function userRoute(ctx) {
    ctx.body = { id: ctx.params.id, sum: getSumOfList(200_000)[0] };
  });

  router.get('/slow', async function slowRoute(ctx) {
    const ms = Math.min(Number(ctx.query.ms) || 0, 10_000);
    await sleep(ms);
    ctx.body = { slept: ms };
  });

  app.use(router.routes());
  return app;
}
