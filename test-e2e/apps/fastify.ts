import type { ProfilerOptions } from '@prof/core';
// @ts-expect-error plain JS example app
import { createApp } from '../../examples/fastify/app.mjs';
import type { AppFactory, RunningApp } from './types.js';

/** examples/fastify/app.mjs (Fastify 5, callback and async handlers). */
export const fastify: AppFactory = {
  name: 'fastify',
  async start(options: ProfilerOptions | false): Promise<RunningApp> {
    const app = await createApp(options);
    const url: string = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
};
