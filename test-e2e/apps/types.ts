import type { ProfilerOptions } from '@prof/core';

/**
 * One framework's version of the example app, for the parametrized e2e suite. Every app serves:
 *   GET /cpu?n=N        200, JSON {"sum": getSumOfList(N)[0]} (default N 3_000_000), handler named cpuRoute
 *   GET /io             200, JSON {"orders": await fetchOrders()}, handler named ioRoute
 *   GET /error          500, the framework's own error response for `throw new Error('boom')` (errorRoute)
 *   GET /stream         200, text/plain, the chunks of streamChunks() streamed as they come (streamRoute)
 *   GET /users/:id      200, JSON {"id": id, "sum": getSumOfList(200_000)[0]} (userRoute), route '/users/:id'
 *   GET /slow?ms=M      200, JSON {"slept": M} after awaiting M ms (slowRoute)
 *   anything else       the framework's own 404
 * The routes' work comes from examples/shared/work.mjs.
 */
export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

export interface AppFactory {
  /** e.g. 'express', 'koa', 'fastify', 'hono', 'nest-express', 'nest-fastify' */
  name: string;
  /** `false`: the same app without prof, for byte-for-byte comparison. */
  start(options: ProfilerOptions | false): Promise<RunningApp>;
}
