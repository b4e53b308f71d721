import { Hono } from 'hono';
import { stream } from 'hono/streaming';
import { profiler } from '@prof/hono';
import { fetchOrders, getSumOfList, streamChunks } from '../shared/work.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The example app; `profilerOptions: false` builds it without prof, for comparison. */
export function createApp(profilerOptions = {}) {
  const app = new Hono();
  if (profilerOptions !== false) app.use(profiler(profilerOptions));

  // CPU-bound: the seed's random-sum loop.
  app.get('/cpu', function cpuRoute(c) {
    const [sum] = getSumOfList(Math.min(Number(c.req.query('n')) || 3_000_000, 50_000_000));
    return c.json({ sum });
  });

  // Async I/O: timers standing in for a database, and some JSON work between them.
  app.get('/io', async function ioRoute(c) {
    return c.json({ orders: await fetchOrders() });
  });

  // Errors still reach Hono's onError and still yield a report.
  app.get('/error', function errorRoute() {
    throw new Error('boom');
  });

  // A streamed body: written after the handler (and the middleware) have returned.
  app.get('/stream', function streamRoute(c) {
    c.header('Content-Type', 'text/plain');
    return stream(c, async (s) => {
      for await (const chunk of streamChunks()) await s.write(chunk);
    });
  });

  app.get('/users/:id', function userRoute(c) {
    return c.json({ id: c.req.param('id'), sum: getSumOfList(200_000)[0] });
  });

  app.get('/slow', async function slowRoute(c) {
    const ms = Math.min(Number(c.req.query('ms')) || 0, 10_000);
    await sleep(ms);
    return c.json({ slept: ms });
  });

  return app;
}
