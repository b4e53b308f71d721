import 'reflect-metadata';
import { type INestApplication, Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { ProfilerModule, type ProfilerOptions } from '@prof/nestjs';
import { AppController } from './app.controller.js';
import { ArticleModule } from './articles/article.module.js';

export { AppController } from './app.controller.js';

export interface CreateAppOptions {
  platform?: 'express' | 'fastify';
  /** Default: the example's AppController (the articles module is always there). */
  controllers?: Type<unknown>[];
  /** Replaces `ProfilerModule.forRoot(profilerOptions)`, e.g. with forRootAsync. */
  imports?: ModuleMetadata['imports'];
}

/**
 * The example app on 'express' or 'fastify'; `profilerOptions: false` builds it without prof, for
 * comparison. Returns the Nest application, not yet listening.
 */
export async function createApp(
  profilerOptions: ProfilerOptions | false = {},
  { platform = 'express', controllers = [AppController], imports }: CreateAppOptions = {},
): Promise<INestApplication> {
  const profiler = imports ?? (profilerOptions === false ? [] : [ProfilerModule.forRoot(profilerOptions)]);

  @Module({ imports: [...profiler, ArticleModule], controllers })
  class AppModule {}

  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  return NestFactory.create(AppModule, adapter, { logger: false });
}
