// The example app in NestJS, as plain JavaScript: Nest's decorators are applied as functions
// (what TypeScript's `@Get('cpu')` compiles to), so it runs with `node` and no build step.
// Nothing here relies on emitted decorator metadata (`design:paramtypes`).
import 'reflect-metadata';
import { Readable } from 'node:stream';
import { Controller, Get, Module, Param, Query, StreamableFile } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ProfilerModule } from '@prof/nestjs';
import { fetchOrders, getSumOfList, streamChunks } from '../shared/work.mjs';

/** `@decorator` on a class (no key) or on a method, as TypeScript's legacy decorators do. */
export function decorate(target, key, ...decorators) {
  if (key === undefined) {
    for (const d of decorators) d(target);
    return;
  }
  const descriptor = Object.getOwnPropertyDescriptor(target.prototype, key);
  for (const d of decorators) d(target.prototype, key, descriptor);
}

/** A parameter decorator, e.g. `@Query('n')` on argument `index` of method `key`. */
export function param(target, key, index, decorator) {
  decorator(target.prototype, key, index);
}

export class AppController {
  // CPU-bound: the seed's random-sum loop.
  cpuRoute(n) {
    const [sum] = getSumOfList(Math.min(Number(n) || 3_000_000, 50_000_000));
    return { sum };
  }

  // Async I/O: timers standing in for a database, and some JSON work between them.
  async ioRoute() {
    return { orders: await fetchOrders() };
  }

  // Errors still reach Nest's exception filter (a 500) and still yield a report.
  errorRoute() {
    throw new Error('boom');
  }

  streamRoute() {
    return new StreamableFile(Readable.from(streamChunks()), { type: 'text/plain' });
  }

  userRoute(id) {
    return { id, sum: getSumOfList(200_000)[0] };
  }

  async slowRoute(ms) {
    const slept = Number(ms) || 0;
    await new Promise((resolve) => setTimeout(resolve, slept));
    return { slept };
  }
}
decorate(AppController, undefined, Controller());
decorate(AppController, 'cpuRoute', Get('cpu'));
param(AppController, 'cpuRoute', 0, Query('n'));
decorate(AppController, 'ioRoute', Get('io'));
decorate(AppController, 'errorRoute', Get('error'));
decorate(AppController, 'streamRoute', Get('stream'));
decorate(AppController, 'userRoute', Get('users/:id'));
param(AppController, 'userRoute', 0, Param('id'));
decorate(AppController, 'slowRoute', Get('slow'));
param(AppController, 'slowRoute', 0, Query('ms'));

/**
 * The example app on 'express' or 'fastify'; `profilerOptions: false` builds it without prof, for
 * comparison. Returns the Nest application, not yet listening.
 */
export async function createApp(
  profilerOptions = {},
  { platform = 'express', controllers = [AppController], imports } = {},
) {
  class AppModule {}
  decorate(
    AppModule,
    undefined,
    Module({
      imports: imports ?? (profilerOptions === false ? [] : [ProfilerModule.forRoot(profilerOptions)]),
      controllers,
    }),
  );
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  return NestFactory.create(AppModule, adapter, { logger: false });
}
