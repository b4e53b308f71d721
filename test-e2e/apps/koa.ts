import { createServer } from 'node:http';
import type { ProfilerOptions } from '@prof/core';
// @ts-expect-error plain JS example app
import { createApp } from '../../examples/koa/app.mjs';
import { listen } from '../helpers.js';
import type { AppFactory, RunningApp } from './types.js';

/** examples/koa/app.mjs (Koa 3 + @koa/router). */
export const koa: AppFactory = {
  name: 'koa',
  async start(options: ProfilerOptions | false): Promise<RunningApp> {
    const server = createServer(createApp(options).callback());
    const url = await listen(server);
    return { url, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  },
};
