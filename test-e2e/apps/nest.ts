import type { AddressInfo } from 'node:net';
import type { ProfilerOptions } from '@prof/core';
import type { AppFactory, RunningApp } from './types.js';

interface NestApp {
  listen(port: number, host: string): Promise<unknown>;
  getHttpServer(): { address(): AddressInfo | string | null };
  get<T>(token: unknown): T;
  close(): Promise<void>;
}

/** What examples/nestjs/src/app.module.ts exports (its dist/ is built by tsc, see build-examples.ts). */
export interface NestExample {
  AppController: new () => object;
  createApp(
    profilerOptions?: ProfilerOptions | false,
    options?: { platform?: 'express' | 'fastify'; controllers?: readonly unknown[]; imports?: unknown[] },
  ): Promise<NestApp>;
}

// Not a literal: the example's dist/ exists only once built, and type-checking must not need it.
const EXAMPLE = '../../examples/nestjs/dist/app.module.js';
/** The TypeScript NestJS example as tsc compiled it, loaded with prof's packages from source. */
export const nestExample: NestExample = (await import(/* @vite-ignore */ EXAMPLE)) as NestExample;

/** `@decorator` on a class (no key) or on a method, as TypeScript's legacy decorators apply them. */
// biome-ignore lint/complexity/noBannedTypes: Nest types its class and method decorators against Function.
export function decorate(target: Function, key: string | undefined, ...decorators: Function[]): void {
  if (key === undefined) {
    for (const d of decorators) d(target);
    return;
  }
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, key);
  for (const d of decorators) d(target.prototype, key, descriptor);
}

/** Starts a Nest app built by the example's createApp on 127.0.0.1. */
export async function startNest(app: NestApp): Promise<RunningApp> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}

function factory(platform: 'express' | 'fastify'): AppFactory {
  return {
    name: `nest-${platform}`,
    start: async (options: ProfilerOptions | false) => startNest(await nestExample.createApp(options, { platform })),
  };
}

/** The example NestJS app (examples/nestjs, TypeScript) on @nestjs/platform-express. */
export const nestExpress: AppFactory = factory('express');
/** The same app on @nestjs/platform-fastify. */
export const nestFastify: AppFactory = factory('fastify');
