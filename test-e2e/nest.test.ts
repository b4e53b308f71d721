import {
  Catch,
  Controller,
  Get,
  HttpException,
  Module,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type CanActivate,
  type ExceptionFilter,
} from '@nestjs/common';
import { Profiler, type Report } from '@prof/core';
import { Profile, ProfilerModule, PROFILER, type ProfilerOptions } from '@prof/nestjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { decorate, nestExample, startNest } from './apps/nest.js';
import type { RunningApp } from './apps/types.js';
import { captureLogger, get, reportSink, stableHeaders } from './helpers.js';

const { AppController, createApp } = nestExample;

// Controllers for @Profile: class-level settings, overridden per handler (handler wins).
class OnController {
  classOn(): string {
    return 'on';
  }
  handlerOff(): string {
    return 'off';
  }
}
decorate(OnController, undefined, Controller('on'), Profile());
decorate(OnController, 'classOn', Get('class-on'));
decorate(OnController, 'handlerOff', Get('handler-off'), Profile(false));

class OffController {
  handlerOn(): string {
    return 'on';
  }
  classOff(): string {
    return 'off';
  }
}
decorate(OffController, undefined, Controller('off'), Profile(false));
decorate(OffController, 'handlerOn', Get('handler-on'), Profile());
decorate(OffController, 'classOff', Get('class-off'));

class PlainController {
  slowOnly(): string {
    return 'fast';
  }
  global(): string {
    return 'global';
  }
}
decorate(PlainController, undefined, Controller('plain'));
// Per-route options: always profiled, but kept only above an unreachable threshold.
decorate(PlainController, 'slowOnly', Get('slow-only'), Profile({ slowThreshold: 10 * 60_000 }));
decorate(PlainController, 'global', Get('global'));

// Errors: Nest's own filter for an HttpException and a plain Error; a custom filter that must
// receive the very object the handler threw.
class ErrController {
  http(): never {
    throw new HttpException({ code: 'teapot', detail: 'short and stout' }, 418);
  }
  plain(): never {
    throw new Error('boom');
  }
}
decorate(ErrController, undefined, Controller('err'));
decorate(ErrController, 'http', Get('http'));
decorate(ErrController, 'plain', Get('plain'));

const thrown = new Error('conflict');
const caught: unknown[] = [];
class RecordingFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    caught.push(exception);
    // Express's res and Fastify's reply both have status() and send().
    host
      .switchToHttp()
      .getResponse<{ status(n: number): { send(b: unknown): void } }>()
      .status(409)
      .send({ caught: (exception as Error).message });
  }
}
decorate(RecordingFilter, undefined, Catch());
class FilteredController {
  custom(): never {
    throw thrown;
  }
}
decorate(FilteredController, undefined, Controller('filtered'), UseFilters(new RecordingFilter()));
decorate(FilteredController, 'custom', Get('custom'));

describe('@Profile(options)', () => {
  it('rejects options that are global only, and bad values, when the class is defined', () => {
    expect(() => Profile({ outputDir: '/tmp' } as never)).toThrow(/@Profile\(\) accepts .*`outputDir` is global only/);
    expect(() => Profile({ slowThreshold: -1 })).toThrow(TypeError);
    expect(() => Profile({ slowThreshold: 5, enabled: 0.5 })).not.toThrow();
  });
});

// A guard that refuses: Nest answers 403 before any interceptor runs.
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}
class GuardedController {
  secret(): string {
    return 'secret';
  }
}
decorate(GuardedController, undefined, Controller('guarded'), UseGuards(new DenyGuard()));
decorate(GuardedController, 'secret', Get('secret'));

const controllers = [
  AppController,
  OnController,
  OffController,
  PlainController,
  ErrController,
  FilteredController,
  GuardedController,
];

describe.each(['express', 'fastify'] as const)('@prof/nestjs on @nestjs/platform-%s', (platform) => {
  const running: RunningApp[] = [];
  const logger = captureLogger();
  const sink = reportSink(); // forRoot, enabled everywhere
  const offSink = reportSink(); // forRoot, enabled: false
  const asyncSink = reportSink(); // forRootAsync
  let profiled = '';
  let bare = '';
  let off = '';
  let viaAsync = '';
  let factoryArgs: unknown[] = [];
  let core: Profiler | undefined;

  const start = async (options: ProfilerOptions | false, imports?: unknown[]): Promise<string> => {
    const nest = await createApp(options, { platform, controllers, imports });
    if (options && !core) core = nest.get(PROFILER);
    const app = await startNest(nest);
    running.push(app);
    return app.url;
  };

  // Reports are delivered just after their responses (the sampler batches rotations, 10–50 ms):
  // let the previous test's reports land before a test counts its own.
  beforeEach(() => new Promise((resolve) => setTimeout(resolve, 100)));

  beforeAll(async () => {
    profiled = await start({ logger, onReport: sink.onReport, serverTiming: true });
    bare = await start(false);
    off = await start({ logger, onReport: offSink.onReport, enabled: false, queryParam: 'profile', allow: () => true });
    // forRootAsync: options from a factory with a dependency from an imported module.
    class ConfigModule {}
    decorate(
      ConfigModule,
      undefined,
      Module({ providers: [{ provide: 'CONFIG', useValue: { slowThreshold: 0 } }], exports: ['CONFIG'] }),
    );
    viaAsync = await start(false, [
      ProfilerModule.forRootAsync({
        imports: [ConfigModule],
        inject: ['CONFIG'],
        useFactory: async (config: { slowThreshold: number }) => {
          factoryArgs = [config];
          return { ...config, logger, onReport: asyncSink.onReport };
        },
      }),
    ]);
  });

  afterAll(async () => {
    for (const app of running) await app.close();
  });

  it('forRoot: profiles a handler, naming its controller, handler and route', async () => {
    sink.reports.length = 0;
    const res = await get(`${profiled}/cpu?n=2000000`);
    expect(res.status).toBe(200);
    expect(res.headers['server-timing']).toMatch(/^prof;dur=\d+(\.\d+)?;desc="profiled"$/);
    const [report] = await sink.waitFor(1);
    expect(report!.meta).toMatchObject({
      method: 'GET',
      path: '/cpu?n=2000000',
      route: '/cpu',
      status: 200,
      controller: 'AppController',
      handler: 'cpuRoute',
    });
    const text = report!.text();
    // The example is TypeScript compiled by tsc: its frames are named at the .ts sources.
    expect(text).toMatch(/\bcpuRoute\b.*examples\/nestjs\/src\/app\.controller\.ts:\d+/);
    expect(text).toMatch(/\bgetSumOfList\b/);
    expect(text).not.toMatch(/ProfilerInterceptor|packages\/(core|nestjs)\//);

    sink.reports.length = 0;
    await get(`${profiled}/users/42`);
    const [user] = await sink.waitFor(1);
    expect(user!.meta).toMatchObject({
      path: '/users/42',
      route: '/users/:id',
      controller: 'AppController',
      handler: 'userRoute',
    });
  });

  it('answers exactly as the same app without the module', async () => {
    const routes = [
      '/cpu?n=100000',
      '/io',
      '/error',
      '/stream',
      '/users/7',
      '/slow?ms=5',
      '/missing',
      '/err/http',
      '/err/plain',
      '/on/class-on',
    ];
    for (const route of routes) {
      const [a, b] = [await get(profiled + route), await get(bare + route)];
      expect(a.status, route).toBe(b.status);
      expect(a.body, route).toBe(b.body);
      expect(stableHeaders(a.headers), route).toEqual(stableHeaders(b.headers));
      expect(b.headers['server-timing']).toBeUndefined();
    }
  });

  it('HttpException and plain Error reach the exception filters unchanged and still yield reports', async () => {
    sink.reports.length = 0;
    const httpErr = await get(`${profiled}/err/http`);
    expect(httpErr.status).toBe(418);
    expect(JSON.parse(httpErr.body)).toEqual({ code: 'teapot', detail: 'short and stout' });
    const plain = await get(`${profiled}/err/plain`);
    expect(plain.status).toBe(500);
    expect(JSON.parse(plain.body)).toEqual({ statusCode: 500, message: 'Internal server error' });
    caught.length = 0;
    const custom = await get(`${profiled}/filtered/custom`);
    expect(custom.status).toBe(409);
    expect(JSON.parse(custom.body)).toEqual({ caught: 'conflict' });
    expect(caught).toHaveLength(1);
    expect(caught[0]).toBe(thrown);

    const reports = await sink.waitFor(3);
    const byHandler = (h: string): Report | undefined => reports.find((r) => r.meta.handler === h);
    expect(byHandler('http')?.meta).toMatchObject({ status: 418, controller: 'ErrController', route: '/err/http' });
    expect(byHandler('plain')?.meta).toMatchObject({ status: 500, controller: 'ErrController', route: '/err/plain' });
    expect(byHandler('custom')?.meta).toMatchObject({
      status: 409,
      controller: 'FilteredController',
      route: '/filtered/custom',
    });
  });

  it('@Profile(false) on a controller or handler turns profiling off under global enabled', async () => {
    sink.reports.length = 0;
    for (const route of ['/on/handler-off', '/off/class-off', '/on/class-on'])
      expect((await get(profiled + route)).status).toBe(200);
    // The last request is profiled; the earlier ones completed before it, so their reports would be here.
    await sink.waitFor(1);
    await get(`${profiled}/plain/global`);
    await sink.waitFor(2);
    expect(sink.reports.map((r) => r.meta.path)).toEqual(['/on/class-on', '/plain/global']);
  });

  it('profiles from arrival: 404s and requests refused by a guard yield reports too', async () => {
    sink.reports.length = 0;
    const missing = await get(`${profiled}/missing?x=1`);
    expect(missing.status).toBe(404);
    expect(missing.headers['server-timing']).toMatch(/^prof;dur=\d+(\.\d+)?;desc="profiled"$/);
    const [notFound] = await sink.waitFor(1);
    expect(notFound!.meta).toMatchObject({ method: 'GET', path: '/missing?x=1', status: 404 });
    expect(notFound!.meta.route).toBeUndefined();
    expect(notFound!.meta.controller).toBeUndefined();

    const guarded = await get(`${profiled}/guarded/secret`);
    expect(guarded.status).toBe(403);
    const [, refused] = await sink.waitFor(2);
    expect(refused!.meta).toMatchObject({ path: '/guarded/secret', status: 403 });
  });

  it('@Profile() on a handler under global options: one report and one Server-Timing entry', async () => {
    sink.reports.length = 0;
    const res = await get(`${profiled}/off/handler-on`);
    expect(res.headers['server-timing']).toMatch(/^prof;dur=\d+(\.\d+)?;desc="profiled"$/);
    await get(`${profiled}/plain/global`);
    await sink.waitFor(2);
    expect(sink.reports.map((r) => r.meta.handler)).toEqual(['handlerOn', 'global']);
  });

  it('with enabled: false globally, only @Profile()d handlers are profiled; the handler wins over the class', async () => {
    offSink.reports.length = 0;
    for (const route of [
      '/cpu?n=1000',
      '/plain/global',
      '/on/handler-off',
      '/off/class-off',
      '/plain/slow-only',
      '/on/class-on',
      '/off/handler-on',
    ]) {
      expect((await get(off + route)).status, route).toBe(200);
    }
    const reports = await offSink.waitFor(2);
    // A sentinel: one more profiled request, so anything unexpected would have arrived before it.
    await get(`${off}/on/class-on`);
    await offSink.waitFor(3);
    expect(offSink.reports.map((r) => [r.meta.controller, r.meta.handler])).toEqual([
      ['OnController', 'classOn'],
      ['OffController', 'handlerOn'],
      ['OnController', 'classOn'],
    ]);
    expect(reports[1]!.meta).toMatchObject({ route: '/off/handler-on', status: 200 });
  });

  it('an allowed ?profile trigger answers with the report, whatever @Profile() says', async () => {
    offSink.reports.length = 0;
    for (const route of ['/on/handler-off', '/plain/global', '/off/handler-on']) {
      const res = await get(`${off}${route}?profile=json`);
      expect(res.status, route).toBe(200);
      expect(res.headers['content-type'], route).toMatch(/json/);
      const meta = (JSON.parse(res.body) as { meta: Record<string, unknown> }).meta;
      expect(meta, route).toMatchObject({ path: `${route}?profile=json`, status: 200 });
    }
    const reports = await offSink.waitFor(3);
    expect(reports.map((r) => r.meta.handler)).toEqual(['handlerOff', 'global', 'handlerOn']);
  });

  it('forRootAsync: options from an injected factory', async () => {
    expect(factoryArgs).toEqual([{ slowThreshold: 0 }]);
    asyncSink.reports.length = 0;
    const res = await get(`${viaAsync}/io`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ orders: 20000 });
    const [report] = await asyncSink.waitFor(1);
    expect(report!.meta).toMatchObject({
      path: '/io',
      route: '/io',
      status: 200,
      controller: 'AppController',
      handler: 'ioRoute',
    });
    expect(report!.text()).toMatch(/\bfetchOrders\b/);
  });

  it('exposes core’s Profiler under the PROFILER token, with no faults', () => {
    expect(core).toBeInstanceOf(Profiler);
    expect(core!.options.serverTiming).toBe(true);
    expect(core!.stats.profiled).toBeGreaterThan(5);
    expect(core!.stats.faults).toBe(0);
    expect(logger.errors).toEqual([]);
  });
});

describe('@prof/nestjs with nothing to do', () => {
  // The global interceptors Nest puts in every route's chain (it skips a null from a factory).
  const interceptorsOf = (app: unknown): ({ intercept?: unknown } | null)[] =>
    (app as { config: { getGlobalInterceptors(): ({ intercept?: unknown } | null)[] } }).config.getGlobalInterceptors();

  it('enabled: false without trigger, Server-Timing or @Profile(): no interceptor in the chain, the app answers as before', async () => {
    const nest = await createApp({ enabled: false }, { platform: 'express', controllers: [AppController] });
    expect(interceptorsOf(nest).some((i) => typeof i?.intercept === 'function')).toBe(false);
    const app = await startNest(nest);
    try {
      const res = await get(`${app.url}/cpu?n=1000`);
      expect(res.status).toBe(200);
      expect(res.headers['server-timing']).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  it('a @Profile() anywhere, serverTiming or an allowed trigger keeps the interceptor', async () => {
    for (const [options, ctrls] of [
      [{ enabled: false }, [AppController, OffController]],
      [{ enabled: false, serverTiming: true }, [AppController]],
      [{ enabled: false, queryParam: 'profile', allow: () => true }, [AppController]],
      [{ enabled: 0.01 }, [AppController]],
    ] as const) {
      const nest = await createApp(options, { platform: 'express', controllers: ctrls });
      expect(
        interceptorsOf(nest).some((i) => typeof i?.intercept === 'function'),
        JSON.stringify(options),
      ).toBe(true);
      await nest.close();
    }
  });

  it('enabled: false and a @Profile()d handler: without the request hook, that handler is still profiled', async () => {
    const local = reportSink();
    const app = await startNest(
      await createApp(
        { enabled: false, printEachRequest: false, onReport: local.onReport },
        { platform: 'express', controllers: [AppController, OffController] },
      ),
    );
    try {
      expect((await get(`${app.url}/cpu?n=1000`)).status).toBe(200);
      expect((await get(`${app.url}/off/class-off`)).status).toBe(200);
      expect((await get(`${app.url}/off/handler-on`)).status).toBe(200);
      const [r] = await local.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(local.reports).toHaveLength(1);
      expect(r!.meta).toMatchObject({
        path: '/off/handler-on',
        route: '/off/handler-on',
        controller: 'OffController',
        handler: 'handlerOn',
        status: 200,
      });
    } finally {
      await app.close();
    }
  });
});
