import { express, express4 } from './express.js';
import { fastify } from './fastify.js';
import { hono } from './hono.js';
import { koa } from './koa.js';
import { nestExpress, nestFastify } from './nest.js';
import type { AppFactory } from './types.js';

/** Every framework's app, for the parametrized suite in adapters.test.ts. */
export const apps: AppFactory[] = [express, express4, koa, fastify, hono, nestExpress, nestFastify];
