import { Readable } from 'node:stream';
import Fastify from 'fastify';
import { profiler } from '@prof/fastify';
import { fetchOrders, getSumOfList, streamChunks } from '../shared/work.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The example app, ready to listen; `profilerOptions: false` builds it without prof, for
 * comparison. Async because Fastify plugins are registered asynchronously.
 */
export async function createApp(profilerOptions = {}) {
  const app = Fastify();
  if (profilerOptions !== false) await app.register(profiler, profilerOptions);

  // CPU-bound: the seed's random-sum loop. A callback-style handler.
  app.get('/cpu', function cpuRoute(request, reply) {
    const [sum] = getSumOfList(Math.min(Number(request.query.n) || 3_000_000, 50_000_000));
    reply.send({ sum });
  });

  // Async I/O: timers standing in for a database, and some JSON work between them.
  app.get('/io', async function ioRoute() {
    return { orders: await fetchOrders() };
  });

  // Errors still reach Fastify's error handler and still yield a report.
  app.get('/error', async function errorRoute() {
    throw new Error('boom');
  });

  app.get('/stream', function streamRoute(_request, reply) {
    reply.type('text/plain').send(Readable.from(streamChunks()));
  });

  app.get('/users/:id', function userRoute(request, reply) {
    reply.send({ id: request.params.id, sum: getSumOfList(200_000)[0] });
  });

  app.get('/slow', async function slowRoute(request) {
    const ms = Math.min(Number(request.query.ms) || 0, 10_000);
    await sleep(ms);
    return { slept: ms };
  });

  await app.ready();
  return app;
}
