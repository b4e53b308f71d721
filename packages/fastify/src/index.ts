import type { FastifyPluginCallback, FastifyRequest } from 'fastify';
import { attachToNodeResponse, createProfiler, nodeRequestInfo, type ProfilerOptions } from '@prof/core';

export type { ProfilerOptions, Report, ReportMeta, RenderOptions } from '@prof/core';
/** The options with `enabled` and `allow` typed for Fastify's request. */
export type FastifyProfilerOptions = ProfilerOptions<FastifyRequest>;

/** Options Fastify itself reads from `register`'s second argument; not ours to validate. */
const FASTIFY_REGISTER_OPTIONS = ['prefix', 'logLevel', 'logSerializers'];

/**
 * Fastify plugin: `await app.register(profiler, opts)`, before the routes. Its hook is global (the
 * plugin skips encapsulation), starts in onRequest and finishes once the response has been sent or
 * the client has gone away.
 */
export const profiler: FastifyPluginCallback<ProfilerOptions<FastifyRequest>> = function profPlugin(
  fastify,
  options,
  done,
) {
  let prof: ReturnType<typeof createProfiler>;
  try {
    const own = { ...options } as Record<string, unknown>;
    for (const key of FASTIFY_REGISTER_OPTIONS) delete own[key];
    prof = createProfiler(own as ProfilerOptions);
  } catch (err) {
    done(err as Error); // bad options fail the app's startup, with core's TypeError naming the option
    return;
  }
  const p = prof;
  if (p.inert) {
    done(); // enabled: false, no trigger, no Server-Timing: no hook at all
    return;
  }
  fastify.addHook('onRequest', function profOnRequest(request, reply, next) {
    try {
      const info = nodeRequestInfo(request.method, request.originalUrl ?? request.url, request.headers, request);
      const dash = p.dashboard(info);
      if (dash) return void reply.code(dash.status).headers(dash.headers).send(dash.body); // answered: no next()
      const handle = p.start(info);
      // Server-Timing goes in as the headers are written; finish on the raw response's finish/close.
      if (handle) attachToNodeResponse(handle, reply.raw, () => ({ route: request.routeOptions?.url }));
    } catch (err) {
      p.fault('request start', err);
    }
    next();
  });
  done();
};

// Not encapsulated: the hook applies to every route of the instance that registers it.
(profiler as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(profiler as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = '@prof/fastify';

export default profiler;
