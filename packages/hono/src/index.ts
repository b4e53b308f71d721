// Edge-compatible: imports only hono/factory and @prof/core, neither of which imports `node:*` at
// the top level, so a Worker bundle of this middleware loads on workerd, Deno and Bun.
import { createMiddleware } from 'hono/factory';
import type { Context, MiddlewareHandler } from 'hono';
import {
  attachToNodeResponse,
  createProfiler,
  type NodeResponseLike,
  type ProfilerOptions,
  type RequestHandle,
} from '@prof/core';

export type { ProfilerOptions, Report, ReportMeta, RenderOptions } from '@prof/core';
/** The options with `enabled` and `allow` typed for Hono's context (what they receive). */
export type HonoProfilerOptions = ProfilerOptions<Context>;

/** What @hono/node-server passes as `c.env`; absent on Web-standard runtimes. */
interface NodeBindings {
  outgoing?: NodeResponseLike & { once?: unknown };
}

function nodeResponse(env: unknown): NodeResponseLike | undefined {
  const out = (env as NodeBindings | undefined)?.outgoing;
  return out && typeof out.once === 'function' && typeof out.writeHead === 'function' ? out : undefined;
}

/**
 * Hono middleware: `app.use(profiler(opts))`, before the routes. On Node (@hono/node-server) it
 * profiles each enabled request until the response has been written, streams included; on
 * runtimes without V8's profiler it passes requests through, adding only Server-Timing if asked.
 */
export function profiler(options?: ProfilerOptions<Context>): MiddlewareHandler {
  const prof = createProfiler(options);
  if (prof.inert) return createMiddleware((_c, next) => next());
  return createMiddleware(async function profMiddleware(c, next) {
    let handle: RequestHandle | undefined;
    let res: NodeResponseLike | undefined;
    const ownIndex = c.req.routeIndex;
    // The route is the handler's, known once it has run; our own `use` path is no route.
    const route = (): string | undefined => (c.req.routeIndex !== ownIndex ? c.req.routePath : undefined);
    try {
      const info = {
        method: c.req.method,
        url: pathAndQuery(c.req.url),
        header: (n: string) => c.req.header(n),
        raw: c,
      };
      const dash = prof.dashboard(info);
      if (dash) return new Response(dash.body as BodyInit, { status: dash.status, headers: dash.headers });
      handle = prof.start(info);
      res = handle && nodeResponse(c.env);
      if (handle && res) attachToNodeResponse(handle, res, () => ({ route: route() }));
    } catch (err) {
      prof.fault('request start', err);
    }
    // The app's own errors are handled by Hono's onError inside next(), unchanged.
    await next();
    if (!handle || res) return;
    // No node response to hook: time up to here, set the header on the Response itself.
    try {
      const timing = handle.serverTiming();
      if (timing) c.header('Server-Timing', timing, { append: true });
      handle.finish(c.res.status, { route: route() });
    } catch (err) {
      prof.fault('request finish', err);
    }
  });
}

function pathAndQuery(url: string): string {
  const i = url.indexOf('/', url.indexOf('//') + 2);
  return i === -1 ? '/' : url.slice(i);
}

export default profiler;
