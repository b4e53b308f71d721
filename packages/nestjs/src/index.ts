import {
  SetMetadata,
  type CallHandler,
  type CustomDecorator,
  type DynamicModule,
  type ExecutionContext,
  type FactoryProvider,
  type ModuleMetadata,
  type NestInterceptor,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost, ModulesContainer, Reflector } from '@nestjs/core';
import {
  attachToNodeResponse,
  createProfiler,
  nodeRequestInfo,
  resolveOptions,
  type NodeResponseLike,
  type Profiler,
  type ProfilerOptions,
  type RequestHandle,
  type RequestInfo,
} from '@prof/core';
import type { Observable } from 'rxjs';

export type { ProfilerOptions, Report, ReportMeta, RenderOptions } from '@prof/core';

/** Injection token of the options given to forRoot / forRootAsync. */
export const PROFILER_OPTIONS = 'PROF_PROFILER_OPTIONS';
/** Injection token of core's Profiler (e.g. to read `stats`). */
export const PROFILER = 'PROF_PROFILER';
/** Metadata key written by @Profile(). */
export const PROFILE_METADATA = 'prof:profile';

/** Options @Profile({...}) may override for one controller or handler. */
export type ProfileRouteOptions = Pick<
  ProfilerOptions,
  'enabled' | 'slowThreshold' | 'maxDuration' | 'printEachRequest' | 'render'
>;
const ROUTE_OPTION_NAMES: string[] = [
  'enabled',
  'slowThreshold',
  'maxDuration',
  'printEachRequest',
  'render',
] satisfies (keyof ProfileRouteOptions)[];

/**
 * On a controller or a handler (the handler's wins): `@Profile()` always profiles it, even when
 * `enabled` is false globally; `@Profile(false)` never does; `@Profile({ slowThreshold: 50 })`
 * always profiles it with those options over the global ones (`enabled` included, if given).
 */
export function Profile(setting: boolean | ProfileRouteOptions = true): CustomDecorator<string> {
  if (typeof setting === 'object') {
    for (const key of Object.keys(setting)) {
      if (!ROUTE_OPTION_NAMES.includes(key))
        throw new TypeError(`prof: @Profile() accepts ${ROUTE_OPTION_NAMES.join(', ')}; \`${key}\` is global only`);
    }
    resolveOptions(setting); // a bad value throws at class definition, naming the option
  }
  return SetMetadata(PROFILE_METADATA, setting);
}

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
interface HttpServerLike {
  prependListener(event: 'request', listener: RequestListener): unknown;
  removeListener(event: 'request', listener: RequestListener): unknown;
}

type Setting = boolean | ProfileRouteOptions | undefined;

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
  private readonly perSetting = new Map<true | ProfileRouteOptions, Profiler>();
  // What happened on arrival, per node request: a handle, or null (not profiled nor timed).
  private readonly arrived = new WeakMap<object, RequestHandle | null>();
  private arrival: Profiler | undefined;
  private server: HttpServerLike | undefined;

  constructor(
    private readonly profiler: Profiler,
    private readonly options: ProfilerOptions,
    private readonly reflector: Reflector,
    private readonly adapterHost?: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    try {
      // The server exists once the application is constructed; routes are not matched yet.
      const server = this.adapterHost?.httpAdapter?.getHttpServer?.() as Partial<HttpServerLike> | undefined;
      if (typeof server?.prependListener !== 'function' || typeof server.removeListener !== 'function') return;
      // Reports of requests started on arrival go to the global sinks (this.profiler's).
      const arrival = createProfiler({
        ...this.options,
        printEachRequest: false,
        outputDir: undefined,
        onReport: (r) => this.profiler.deliver(r),
      });
      if (arrival.inert) return; // only @Profile()d handlers are profiled: the interceptor starts them
      this.arrival = arrival;
      server.prependListener('request', this.onRequest);
      this.server = server as HttpServerLike;
    } catch (err) {
      this.profiler.fault('nestjs setup', err);
    }
  }

  onModuleDestroy(): void {
    this.server?.removeListener('request', this.onRequest);
  }

  private readonly onRequest: RequestListener = (req, res) => {
    try {
      const handle = this.arrival!.start(requestInfo(req)) ?? null;
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

  private profilerFor(setting: true | ProfileRouteOptions): Profiler {
    let p = this.perSetting.get(setting);
    if (!p) {
      // With a handle from arrival, its Server-Timing entry is already there.
      const serverTiming = this.arrival ? false : this.options.serverTiming;
      p = createProfiler({ ...this.options, serverTiming, enabled: true, ...(setting === true ? {} : setting) });
      this.perSetting.set(setting, p);
    }
    return p;
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

/** Whether any controller, or any of its handlers, carries @Profile() metadata. */
function anyProfileDecorator(reflector: Reflector, modules: ModulesContainer | undefined): boolean {
  if (!modules) return true; // cannot tell: keep the interceptor
  for (const mod of modules.values()) {
    for (const wrapper of mod.controllers.values()) {
      const cls = wrapper.metatype as (abstract new (...args: never[]) => unknown) | null | undefined;
      if (typeof cls !== 'function') continue;
      if (reflector.get<Setting>(PROFILE_METADATA, cls as never) !== undefined) return true;
      for (
        let proto = cls.prototype as object | null;
        proto && proto !== Object.prototype;
        proto = Object.getPrototypeOf(proto) as object | null
      ) {
        for (const key of Object.getOwnPropertyNames(proto)) {
          const fn = Object.getOwnPropertyDescriptor(proto, key)?.value as unknown;
          if (typeof fn === 'function' && reflector.get<Setting>(PROFILE_METADATA, fn as never) !== undefined)
            return true;
        }
      }
    }
  }
  return false;
}

export interface ProfilerModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: FactoryProvider<ProfilerOptions | Promise<ProfilerOptions>>['useFactory'];
  inject?: FactoryProvider['inject'];
}

/**
 * `ProfilerModule.forRoot(opts)` or `.forRootAsync({ imports, useFactory, inject })` in the root
 * module: a global module that profiles every HTTP request (see README: from arrival).
 */
export class ProfilerModule {
  static forRoot(options: ProfilerOptions = {}): DynamicModule {
    return ProfilerModule.build({ provide: PROFILER_OPTIONS, useValue: options }, []);
  }

  static forRootAsync(async: ProfilerModuleAsyncOptions): DynamicModule {
    return ProfilerModule.build(
      { provide: PROFILER_OPTIONS, useFactory: async.useFactory, inject: async.inject ?? [] },
      async.imports ?? [],
    );
  }

  // Factories with explicit `inject`: nothing here relies on emitted decorator metadata.
  private static build(
    optionsProvider: NonNullable<DynamicModule['providers']>[number],
    imports: NonNullable<DynamicModule['imports']>,
  ): DynamicModule {
    return {
      module: ProfilerModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        { provide: PROFILER, useFactory: (o: ProfilerOptions) => createProfiler(o), inject: [PROFILER_OPTIONS] },
        {
          provide: APP_INTERCEPTOR,
          // With nothing to do (`enabled: false`, no trigger, no Server-Timing, no @Profile()
          // anywhere), no interceptor: Nest skips a global enhancer whose factory returns null, so
          // a disabled profiler costs nothing per request (and installs no request hook).
          useFactory: (p: Profiler, o: ProfilerOptions, r: Reflector, h: HttpAdapterHost, m?: ModulesContainer) =>
            p.inert && !anyProfileDecorator(r, m) ? null : new ProfilerInterceptor(p, o, r, h),
          inject: [PROFILER, PROFILER_OPTIONS, Reflector, HttpAdapterHost, { token: ModulesContainer, optional: true }],
        },
      ],
      exports: [PROFILER, PROFILER_OPTIONS],
    };
  }
}
