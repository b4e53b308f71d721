import express from 'express';
import { profiler } from '@prof/express';
import { createArticles, startArticlesDatabase } from '../shared/articles.mjs';
import { fetchOrders, getSumOfList } from '../shared/work.mjs';

/**
 * The example app; `profilerOptions: false` builds it without prof, for comparison. The tests pass
 * Express 4's `express` to build the same app on it.
 */
export function createApp(profilerOptions = {}, { express: makeApp = express } = {}) {
  const app = makeApp();
  if (profilerOptions !== false) app.use(profiler(profilerOptions));

  // CPU-bound: the seed's random-sum loop.
  app.get('/cpu', function cpuRoute(req, res) {
    const [sum] = getSumOfList(Math.min(Number(req.query.n) || 3_000_000, 50_000_000));
    res.json({ sum });
  });

  // Async I/O: timers standing in for a database, and some JSON work between them.
  app.get('/io', async function ioRoute(_req, res) {
    res.json({ orders: await fetchOrders() });
  });

  // Errors still reach Express's error handler and still yield a report.
  app.get('/error', function errorRoute() {
    throw new Error('boom');
  });

  // A database-style route: controller → service → repository → driver, awaiting at every layer
  // (examples/shared/articles.mjs; the database is an in-process stand-in, started on first use).
  let articles;
  app.get('/articles', async function articlesRoute(req, res) {
    articles ??= startArticlesDatabase().then(({ db }) => createArticles(db));
    res.json(await (await articles).listArticles(req.query));
  });

  app.get('/users/:id', function userRoute(req, res) {
    res.json({ id: req.params.id, sum: getSumOfList(200_000)[0] });
  });

  return app;
}
