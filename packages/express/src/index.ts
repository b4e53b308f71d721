import type { Request } from 'express';
import {
  attachToNodeResponse,
  createProfiler,
  nodeRequestInfo,
  serveNodeDashboard,
  type NodeResponseLike,
  type ProfilerOptions,
} from '@prof/core';

export type { ProfilerOptions, Report, ReportMeta, RenderOptions } from '@prof/core';
/** The options with `enabled` and `allow` typed for Express's request. */
export type ExpressProfilerOptions = ProfilerOptions<Request>;

/** The parts of Express's request used here; Express 4 and 5 both fit. */
interface ExpressRequest {
  method: string;
  url: string;
  originalUrl?: string;
  baseUrl?: string;
  route?: { path?: unknown };
  headers: Record<string, string | string[] | undefined>;
}

type Middleware = (req: ExpressRequest, res: NodeResponseLike, next: (err?: unknown) => void) => void;

function routeOf(req: ExpressRequest): string | undefined {
  const path = req.route?.path;
  if (typeof path !== 'string') return undefined;
  const base = req.baseUrl ?? '';
  // A router mounted at /api/articles with `router.get('/')` serves /api/articles, not /api/articles/.
  return base && path === '/' ? base : `${base}${path}`;
}

/**
 * Express middleware: `app.use(profiler(opts))`, first, before the routes. Profiles each enabled
 * request from here until its response is sent or the client goes away.
 */
export function profiler(options?: ProfilerOptions<Request>): Middleware {
  const prof = createProfiler(options);
  if (prof.inert) return (_req, _res, next) => next();
  return function profMiddleware(req, res, next) {
    try {
      const info = nodeRequestInfo(req.method, req.originalUrl ?? req.url, req.headers, req);
      if (serveNodeDashboard(prof, info, res)) return;
      const handle = prof.start(info);
      if (handle) attachToNodeResponse(handle, res, () => ({ route: routeOf(req) }));
    } catch (err) {
      prof.fault('request start', err);
    }
    // Outside the try: the app's own errors propagate unchanged to Express.
    next();
  };
}

export default profiler;
