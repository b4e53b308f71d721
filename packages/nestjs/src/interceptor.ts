import type { CallHandler, ExecutionContext, NestInterceptor, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { HttpAdapterHost, Reflector } from '@nestjs/core';
import {
  attachToNodeResponse,
  createProfiler,
  nodeRequestInfo,
  serveNodeDashboard,
  type DashboardResponse,
  type NodeResponseLike,
  type Profiler,
  type ProfilerOptions,
  type RequestHandle,
  type RequestInfo,
} from '@prof/core';
import type { Observable } from 'rxjs';
import { PROFILE_METADATA, type ProfileRouteOptions, type Setting } from './decorator.js';

/** `@Profile()` with no options: one settings object, so core makes its profiler once. */
const ALWAYS: ProfileRouteOptions = {};

/** The parts of Express's and Fastify's request objects, and of node's IncomingMessage, used here. */
interface NestRequest {
  method?: string;
  url?: string;
  originalUrl?: string;
  baseUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: unknown };
  routeOptions?: { url?: string };
  raw?: object;
}

type RequestListener = (req: NestRequest, res: NodeResponseLike) => void;
type Middleware = (req: NestRequest, res: NodeResponseLike, next: () => void) => void;
interface AdapterLike {
  getHttpServer?(): unknown;
  use?(fn: Middleware): unknown;
}
interface HttpServerLike {
  prependListener(event: 'request', listener: RequestListener): unknown;
  removeListener(event: 'request', listener: RequestListener): unknown;
}

function routeOf(req: NestRequest): string | undefined {
  if (typeof req.routeOptions?.url === 'string') return req.routeOptions.url; // fastify
  const path = req.route?.path; // express
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}

function requestInfo(req: NestRequest): RequestInfo {
  return nodeRequestInfo(req.method ?? 'GET', req.originalUrl ?? req.url ?? '/', req.headers, req);
}

/**
 * The global interceptor ProfilerModule installs (APP_INTERCEPTOR). Requests are started on
 * arrival at the HTTP server (before middleware, guards and routing, so 404s are profiled too);
 * the interceptor then names the controller and handler and applies their @Profile() setting.
 */
export class ProfilerInterceptor implements NestInterceptor, OnModuleInit, OnModuleDestroy {
  // One core Profiler per distinct @Profile setting; all share the process-wide sampler.
  // What happened on arrival, per node request: a handle, or null (not profiled nor timed).
  private readonly arrived = new WeakMap<object, RequestHandle | null>();
  private arrival: Profiler | undefined;
  private server: HttpServerLike | undefined;
  // The dashboard's answer, decided on arrival (so its requests are never profiled), per node request.
  private readonly dashboardAnswers = new WeakMap<object, DashboardResponse>();

  constructor(
    private readonly profiler: Profiler,
    private readonly options: ProfilerOptions,
    private readonly reflector: Reflector,
    private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    const adapter = this.adapterHost?.httpAdapter as AdapterLike | undefined;
    try {
      this.installArrivalHook(adapter);
    } catch (err) {
      this.profiler.fault('nestjs setup', err);
    }
    try {
      // Nest has matched no route by now but answers 404 for unknown paths after the routes: a
      // middleware (Express's app.use, Fastify's middie) is reached before that, on both platforms.
      if (this.profiler.options.dashboard && typeof adapter?.use === 'function') adapter.use(this.serveDashboard);
    } catch (err) {
      this.profiler.fault('nestjs dashboard setup', err);
    }
  }

  private readonly serveDashboard: Middleware = (req, res, next) => {
    let served = false;
    try {
      const raw = (req.raw ?? req) as object;
      const early = this.dashboardAnswers.get(raw);
      // Without the arrival hook, the gate is asked here.
      const host = early ? { dashboard: () => early } : this.server ? { dashboard: () => undefined } : this.profiler;
      served = serveNodeDashboard(host, requestInfo(req), res);
    } catch (err) {
      this.profiler.fault('serving the dashboard', err);
    }
    if (!served) next();
  };

  private installArrivalHook(adapter: AdapterLike | undefined): void {
    // The server exists once the application is constructed; routes are not matched yet.
    const server = adapter?.getHttpServer?.() as Partial<HttpServerLike> | undefined;
    if (typeof server?.prependListener !== 'function' || typeof server.removeListener !== 'function') return;
    // Reports of requests started on arrival go to the global sinks (this.profiler's), its
    // aggregates included: the arrival profiler keeps none of its own.
    const arrival = createProfiler({
      ...this.options,
      printEachRequest: false,
      outputDir: undefined,
      aggregate: undefined,
      dashboard: undefined,
      onReport: (r) => this.profiler.deliver(r),
    });
    // Inert and no dashboard: only @Profile()d handlers are profiled, the interceptor starts them.
    if (arrival.inert && !this.profiler.options.dashboard) return;
    this.arrival = arrival;
    server.prependListener('request', this.onRequest);
    this.server = server as HttpServerLike;
  }

  async onModuleDestroy(): Promise<void> {
    this.server?.removeListener('request', this.onRequest);
    // app.close(): aggregate.file's last write.
    await this.profiler.close();
  }

  private readonly onRequest: RequestListener = (req, res) => {
    try {
      const info = requestInfo(req);
      // The dashboard's own requests are served by the middleware above and never profiled.
      const answer = this.profiler.dashboard(info);
      if (answer) {
        this.dashboardAnswers.set(req, answer);
        return;
      }
      const handle = this.arrival!.start(info) ?? null;
      this.arrived.set(req, handle);
      if (handle) attachToNodeResponse(handle, res);
    } catch (err) {
      this.profiler.fault('nestjs request hook', err);
    }
  };

  // A handler's @Profile() setting (handler over class), looked up once per controller and handler
  // (an inherited handler may serve controllers with different settings).
  private readonly settings = new WeakMap<object, Map<object, Setting>>();
  private settingOf(handler: object, controller: object): Setting {
    let perHandler = this.settings.get(controller);
    if (!perHandler) this.settings.set(controller, (perHandler = new Map()));
    if (!perHandler.has(handler))
      perHandler.set(
        handler,
        this.reflector.getAllAndOverride<Setting>(PROFILE_METADATA, [handler as never, controller as never]),
      );
    return perHandler.get(handler);
  }

  /** A @Profile({...}) setting's profiler (core caches it per setting object). */
  private profilerFor(setting: true | ProfileRouteOptions): Profiler {
    // With a handle from arrival, its Server-Timing entry is already there.
    const base = { serverTiming: this.arrival ? false : this.options.serverTiming };
    return this.profiler.derive(setting === true ? ALWAYS : setting, base);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    try {
      const controller = context.getClass();
      const handler = context.getHandler();
      const setting = this.settingOf(handler, controller);
      const http = context.switchToHttp();
      const req = http.getRequest<NestRequest>();
      const names = (): Record<string, unknown> => ({
        controller: controller.name,
        handler: handler.name,
        route: routeOf(req),
      });
      const early = this.arrived.get(req.raw ?? req);
      if (early !== undefined) {
        // The decision made on arrival stands, unless @Profile() says otherwise; an allowed
        // trigger (?profile) stands whatever it says, as its response is already the report.
        if (setting === undefined || early?.trigger) {
          early?.annotate(names());
          return next.handle();
        }
        // @Profile() overrides it: the arrival's recording stops here and builds no report.
        early?.discard();
      }
      // @Profile() decides, or (no hook on the server) the global options do, from here on.
      const prof = setting === false ? undefined : setting === undefined ? this.profiler : this.profilerFor(setting);
      const handle = prof?.start(requestInfo(req));
      if (handle) {
        handle.annotate(names());
        // Fastify's reply.raw and Express's response are both node:http ServerResponses, so the
        // report is finished when the response is sent, after Nest's exception filters ran.
        const res = http.getResponse<{ raw?: NodeResponseLike } & NodeResponseLike>();
        attachToNodeResponse(handle, res.raw ?? res);
      }
    } catch (err) {
      this.profiler.fault('nestjs interceptor', err);
    }
    return next.handle();
  }
}
