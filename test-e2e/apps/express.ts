import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import type { ProfilerOptions } from '@prof/core';
// @ts-expect-error plain JS example app
import { createApp } from '../../examples/express/app.mjs';
// @ts-expect-error plain JS shared work
import { streamChunks } from '../../examples/shared/work.mjs';
import { listen } from '../helpers.js';
import type { AppFactory, RunningApp } from './types.js';

interface Res {
  type(t: string): void;
  json(v: unknown): void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** examples/express/app.mjs plus the contract's /stream and /slow (Express 404s after every route). */
export const express: AppFactory = {
  name: 'express',
  async start(options: ProfilerOptions | false): Promise<RunningApp> {
    const app = createApp(options);
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
