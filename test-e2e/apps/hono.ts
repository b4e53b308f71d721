import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { ProfilerOptions } from '@prof/core';
// @ts-expect-error plain JS example app
import { createApp } from '../../examples/hono/app.mjs';
import type { AppFactory, RunningApp } from './types.js';

/** examples/hono/app.mjs on @hono/node-server. */
export const hono: AppFactory = {
  name: 'hono',
  async start(options: ProfilerOptions | false): Promise<RunningApp> {
    const app = createApp(options);
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};
