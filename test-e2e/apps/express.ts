import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import type { ProfilerOptions } from '@prof/core';
// @ts-expect-error plain JS example app
import { createApp } from '../../examples/express/app.mjs';
import { streamChunks } from '../../examples/shared/work.mjs';
import { listen } from '../helpers.js';
import type { AppFactory, RunningApp } from './types.js';

interface Res {
  type(t: string): void;
  json(v: unknown): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function factory(name: string, load: () => Promise<unknown>): AppFactory {
  return {
    name,
    async start(options: ProfilerOptions | false): Promise<RunningApp> {
      const app = createApp(options, { express: await load() });
      app.get('/stream', function streamRoute(_req: unknown, res: Res) {
        res.type('text/plain');
        (Readable.from(streamChunks()) as Readable).pipe(res as unknown as NodeJS.WritableStream);
      });
      app.get('/slow', async function slowRoute(req: { query: { ms?: string } }, res: Res) {
        const ms = Math.min(Number(req.query.ms) || 0, 10_000);
        await sleep(ms);
        res.json({ slept: ms });
      });
      const server = createServer(app);
      const url = await listen(server);
      return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    },
  };
}

const defaultExport = (m: { default: unknown }): unknown => m.default;

/** examples/express/app.mjs plus the contract's /stream and /slow (Express 404s after every route). */
export const express: AppFactory = factory('express', () => import('express').then(defaultExport));
/** The same app on Express 4 (npm alias `express4`). */
export const express4: AppFactory = factory('express4', () =>
  // @ts-expect-error Express 4 under an npm alias has no types here (none are needed)
  import('express4').then(defaultExport),
);
