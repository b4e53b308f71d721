import type { DynamicModule, FactoryProvider, ModuleMetadata } from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost, ModulesContainer, Reflector } from '@nestjs/core';
import { createProfiler, type Profiler, type ProfilerOptions } from '@prof/core';
import type { NestProfilerOptions } from './decorator.js';
import { PROFILE_METADATA, type Setting } from './decorator.js';
import { ProfilerInterceptor } from './interceptor.js';

/** Injection token of the options given to forRoot / forRootAsync. */
export const PROFILER_OPTIONS = 'PROF_PROFILER_OPTIONS';
/** Injection token of core's Profiler (e.g. to read `stats`). */
export const PROFILER = 'PROF_PROFILER';

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
  useFactory: FactoryProvider<NestProfilerOptions | Promise<NestProfilerOptions>>['useFactory'];
  inject?: FactoryProvider['inject'];
}

/**
 * `ProfilerModule.forRoot(opts)` or `.forRootAsync({ imports, useFactory, inject })` in the root
 * module: a global module that profiles every HTTP request (see README: from arrival).
 */
// biome-ignore lint/complexity/noStaticOnlyClass: Nest's dynamic modules are classes with static forRoot()
export class ProfilerModule {
  static forRoot(options: NestProfilerOptions = {}): DynamicModule {
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
