import type { AddressInfo } from 'node:net';
import type { ProfilerOptions } from '@prof/core';
// @ts-expect-error plain JS example app
import { createApp } from '../../examples/nestjs/app.mjs';
import type { AppFactory, RunningApp } from './types.js';

interface NestApp {
  listen(port: number, host: string): Promise<unknown>;
  getHttpServer(): { address(): AddressInfo | string | null };
  close(): Promise<void>;
}

/** Starts a Nest app built by examples/nestjs/app.mjs's createApp on 127.0.0.1. */
export async function startNest(app: NestApp): Promise<RunningApp> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

function factory(platform: 'express' | 'fastify'): AppFactory {
  return {
    name: `nest-${platform}`,
    start: async (options: ProfilerOptions | false) => startNest(await createApp(options, { platform })),
  };
}

/** The example NestJS app (examples/nestjs/app.mjs) on @nestjs/platform-express. */
export const nestExpress: AppFactory = factory('express');
/** The same app on @nestjs/platform-fastify. */
export const nestFastify: AppFactory = factory('fastify');
