import { SetMetadata, type CallHandler, type CustomDecorator, type DynamicModule, type ExecutionContext, type FactoryProvider, type ModuleMetadata, type NestInterceptor } from '@nestjs/common';
import { APP_INTERCEPTOR, Reflector } from '@nestjs/core';
import { attachToNodeResponse, createProfiler, resolveOptions, type NodeResponseLike, type Profiler, type ProfilerOptions } from '@prof/core';
import type { Observable } from 'rxjs';

export type { ProfilerOptions, Report, ReportMeta, RenderOptions } from '@prof/core';

/** Injection token of the options given to forRoot / forRootAsync. */
export const PROFILER_OPTIONS = 'PROF_PROFILER_OPTIONS';
/** Injection token of core's Profiler (e.g. to read `stats`). */
export const PROFILER = 'PROF_PROFILER';
/** Metadata key written by @Profile(). */
export const PROFILE_METADATA = 'prof:profile';

/** Options @Profile({...}) may override for one controller or handler. */
export type ProfileRouteOptions = Pick<ProfilerOptions, 'enabled' | 'slowThreshold' | 'maxDuration' | 'printEachRequest' | 'render'>;
const ROUTE_OPTION_NAMES: string[] = ['enabled', 'slowThreshold', 'maxDuration', 'printEachRequest', 'render'] satisfies (keyof ProfileRouteOptions)[];

/**
 * On a controller or a handler (the handler's wins): `@Profile()` always profiles it, even when
 * `enabled` is false globally; `@Profile(false)` never does; `@Profile({ slowThreshold: 50 })`
 * always profiles it with those options over the global ones (`enabled` included, if given).
 */
export function Profile(setting: boolean | ProfileRouteOptions = true): CustomDecorator<string> {
  if (typeof setting === 'object') {
    for (const key of Object.keys(setting)) {
      if (!ROUTE_OPTION_NAMES.includes(key)) throw new TypeError(`prof: @Profile() accepts ${ROUTE_OPTION_NAMES.join(', ')}; \`${key}\` is global only`);
    }
    resolveOptions(setting); // a bad value throws at class definition, naming the option
  }
  return SetMetadata(PROFILE_METADATA, setting);
}

/** The parts of Express's and Fastify's request objects used here. */
interface NestRequest {
  method: string;
  url: string;
  originalUrl?: string;
  baseUrl?: string;
  headers: Record<string, string | string[] | undefined>;
  route?: { path?: unknown };
  routeOptions?: { url?: string };
}

function routeOf(req: NestRequest): string | undefined {
  if (typeof req.routeOptions?.url === 'string') return req.routeOptions.url; // fastify
  const path = req.route?.path; // express
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : undefined;
}

/** The global interceptor ProfilerModule installs (APP_INTERCEPTOR). */
export class ProfilerInterceptor implements NestInterceptor {
  // One core Profiler per distinct @Profile setting; they share the process-wide sampler.
  private readonly perSetting = new Map<true | ProfileRouteOptions, Profiler>();

  constructor(
    private readonly profiler: Profiler,
    private readonly options: ProfilerOptions,
    private readonly reflector: Reflector,
  ) {}

  private profilerFor(setting: boolean | ProfileRouteOptions | undefined): Profiler | undefined {
    if (setting === undefined) return this.profiler;
    if (setting === false) return undefined;
    let p = this.perSetting.get(setting);
    if (!p) {
      p = createProfiler({ ...this.options, enabled: true, ...(setting === true ? {} : setting) });
      this.perSetting.set(setting, p);
    }
    return p;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    try {
      const controller = context.getClass();
      const handler = context.getHandler();
      const setting = this.reflector.getAllAndOverride<boolean | ProfileRouteOptions | undefined>(PROFILE_METADATA, [handler, controller]);
      const prof = this.profilerFor(setting);
      const http = context.switchToHttp();
      const req = http.getRequest<NestRequest>();
      const handle = prof?.start({
        method: req.method,
        url: req.originalUrl ?? req.url,
        header: (name) => {
          const v = req.headers[name];
          return Array.isArray(v) ? v[0] : v;
        },
        raw: req,
      });
      if (handle) {
        handle.annotate({ controller: controller.name, handler: handler.name });
        // Fastify's reply.raw and Express's response are both node:http ServerResponses, so the
        // report is finished when the response is sent, after Nest's exception filters ran.
        const res = http.getResponse<{ raw?: NodeResponseLike } & NodeResponseLike>();
        attachToNodeResponse(handle, res.raw ?? res, () => ({ route: routeOf(req) }));
      }
    } catch (err) {
      this.profiler.fault('nestjs interceptor', err);
    }
    return next.handle();
  }
}

export interface ProfilerModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  useFactory: FactoryProvider<ProfilerOptions | Promise<ProfilerOptions>>['useFactory'];
  inject?: FactoryProvider['inject'];
}

/**
 * `ProfilerModule.forRoot(opts)` or `.forRootAsync({ imports, useFactory, inject })` in the root
 * module: a global module whose interceptor profiles every HTTP handler.
 */
export class ProfilerModule {
  static forRoot(options: ProfilerOptions = {}): DynamicModule {
    return ProfilerModule.build({ provide: PROFILER_OPTIONS, useValue: options }, []);
  }

  static forRootAsync(async: ProfilerModuleAsyncOptions): DynamicModule {
    return ProfilerModule.build({ provide: PROFILER_OPTIONS, useFactory: async.useFactory, inject: async.inject ?? [] }, async.imports ?? []);
  }

  // Factories with explicit `inject`: nothing here relies on emitted decorator metadata.
  private static build(optionsProvider: NonNullable<DynamicModule['providers']>[number], imports: NonNullable<DynamicModule['imports']>): DynamicModule {
    return {
      module: ProfilerModule,
      global: true,
      imports,
      providers: [
        optionsProvider,
        { provide: PROFILER, useFactory: (o: ProfilerOptions) => createProfiler(o), inject: [PROFILER_OPTIONS] },
        {
          provide: APP_INTERCEPTOR,
          useFactory: (p: Profiler, o: ProfilerOptions, r: Reflector) => new ProfilerInterceptor(p, o, r),
          inject: [PROFILER, PROFILER_OPTIONS, Reflector],
        },
      ],
      exports: [PROFILER, PROFILER_OPTIONS],
    };
  }
}
