import type { Context } from 'koa';
import {
  attachToNodeResponse,
  createProfiler,
  nodeRequestInfo,
  serveNodeDashboard,
  type NodeResponseLike,
  type ProfilerOptions,
} from '@prof/core';

export type { ProfilerOptions, Report, ReportMeta, RenderOptions } from '@prof/core';
/** The options with `enabled` and `allow` typed for Koa's context (what they receive). */
export type KoaProfilerOptions = ProfilerOptions<Context>;

/** The parts of Koa's context used here; Koa 2 and 3 both fit. */
interface KoaContext {
  method: string;
  originalUrl: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  res: NodeResponseLike;
  /** Set by @koa/router on a match (its own name, stable since v8). */
  _matchedRoute?: unknown;
  routerPath?: unknown;
  /** false: Koa leaves the response alone (the dashboard wrote it). */
  respond?: boolean;
}

type Middleware = (ctx: KoaContext, next: () => Promise<unknown>) => Promise<unknown>;

function routeOf(ctx: KoaContext): string | undefined {
  const route = ctx._matchedRoute ?? ctx.routerPath;
  return typeof route === 'string' ? route : undefined;
}

/**
 * Koa middleware: `app.use(profiler(opts))`, first, before the router. Profiles each enabled
 * request until Koa has written its response (streamed bodies included) or the client goes away.
 */
export function profiler(options?: ProfilerOptions<Context>): Middleware {
  const prof = createProfiler(options);
  if (prof.inert) return (_ctx, next) => next();
  return async function profMiddleware(ctx, next) {
    let handle: ReturnType<typeof prof.start>;
    try {
      const info = nodeRequestInfo(ctx.method, ctx.originalUrl ?? ctx.url, ctx.headers, ctx);
      if (serveNodeDashboard(prof, info, ctx.res)) return void (ctx.respond = false); // answered on the node response
      handle = prof.start(info);
      // Koa writes the body after the middleware chain returns, so finish on the node response.
      if (handle) attachToNodeResponse(handle, ctx.res, () => ({ route: routeOf(ctx) }));
    } catch (err) {
      prof.fault('request start', err);
    }
    // The app's own errors (and ctx.throw) propagate unchanged to Koa's error handling.
    await next();
  };
}

export default profiler;
