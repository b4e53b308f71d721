import { createServer } from 'node:http';
import type { ProfilerOptions } from '@prof/core';
import { profiler as fastifyProfiler } from '@prof/fastify';
import { Controller, Get, Query } from '@nestjs/common';
import Fastify from 'fastify';
// @ts-expect-error plain JS example app
import { createApp as createExpressApp } from '../../examples/express/app.mjs';
// @ts-expect-error plain JS shared layers
import { createArticles } from '../../examples/shared/articles.mjs';
import { listen } from '../helpers.js';
import { decorate, nestExample, startNest } from './nest.js';
import type { RunningApp } from './types.js';

/** A driver as the layers use it: node-postgres' `query(text, params)` shape. */
export interface Db {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

interface Articles {
  listArticles(query: unknown): Promise<{ count: number; articles: unknown[] }>;
}

/**
 * A framework serving examples/shared/articles.mjs's layers on GET /articles?limit=N, from the
 * handler `articlesRoute` (controller → service → repository → driver, awaits at each).
 */
export interface LayeredFactory {
  name: string;
  start(options: ProfilerOptions | false, db: Db): Promise<RunningApp>;
}

export const layeredExpress: LayeredFactory = {
  name: 'express',
  async start(options, db) {
    const articles = createArticles(db) as Articles;
    const app = createExpressApp(options);
    app.get(
      '/articles',
      async function articlesRoute(req: { query: unknown }, res: { json(v: unknown): void }): Promise<void> {
        res.json(await articles.listArticles(req.query));
      },
    );
    const server = createServer(app);
    const url = await listen(server);
    return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  },
};

export const layeredFastify: LayeredFactory = {
  name: 'fastify',
  async start(options, db) {
    const articles = createArticles(db) as Articles;
    const app = Fastify();
    if (options !== false) await app.register(fastifyProfiler, options);
    app.get('/articles', async function articlesRoute(request) {
      return articles.listArticles(request.query);
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};

export const layeredNest: LayeredFactory = {
  name: 'nest-express',
  async start(options, db) {
    const articles = createArticles(db) as Articles;
    class ArticlesHttpController {
      async articlesRoute(limit: string): Promise<unknown> {
        return articles.listArticles({ limit });
      }
    }
    // Under /layered: the example's own ArticleModule serves GET /articles.
    decorate(ArticlesHttpController, undefined, Controller('layered'));
    decorate(ArticlesHttpController, 'articlesRoute', Get('articles'));
    // @Query('limit') on the first parameter, as TypeScript's legacy decorators apply it.
    Query('limit')(ArticlesHttpController.prototype, 'articlesRoute', 0);
    const running = await startNest(
      await nestExample.createApp(options, { platform: 'express', controllers: [ArticlesHttpController] }),
    );
    return { ...running, url: `${running.url}/layered` };
  },
};

export const layeredApps: LayeredFactory[] = [layeredExpress, layeredFastify, layeredNest];
