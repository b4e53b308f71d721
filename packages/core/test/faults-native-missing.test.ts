import Module from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { createProfiler, type Logger, type Report } from '../src/index.js';

// What a failed native build looks like at run time: require('v8-profiler-next') throws. This
// file runs in its own process (vitest's forks pool), so no sampler was created before.
const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
(Module as unknown as { _load: typeof load })._load = function (request: string, ...rest: unknown[]) {
  if (request === 'v8-profiler-next')
    throw new Error("Cannot find module './build/binding/Release/node-v999-linux-x64/profiler.node'");
  return load.call(this, request, ...rest);
};
afterAll(() => {
  (Module as unknown as { _load: typeof load })._load = load;
});

describe("sampler 'auto' without a loadable v8-profiler-next", () => {
  it('samples through node:inspector and says so in one log line', async () => {
    const infos: string[] = [];
    const logger: Logger = {
      info: (m) => void infos.push(m),
      warn: (m) => void infos.push(m),
      error: (m) => void infos.push(m),
    };
    const reports: Report[] = [];
    const profiler = createProfiler({
      sampler: 'auto',
      printEachRequest: false,
      logger,
      onReport: (r) => void reports.push(r),
    });
    for (let i = 0; i < 3; i++) {
      const handle = profiler.start({ method: 'GET', url: `/r${i}`, header: () => undefined, raw: {} });
      expect(handle?.profiled).toBe(true);
      let x = 0;
      for (let j = 0; j < 5_000_000; j++) x += j % 3;
      expect(x).toBeGreaterThan(0);
      handle!.finish(200);
      await handle!.report();
    }
    expect(reports).toHaveLength(3);
    expect(reports.every((r) => r.meta.sampler === 'inspector')).toBe(true);
    const fallback = infos.filter((m) => m.includes('v8-profiler-next unavailable'));
    expect(fallback).toHaveLength(1);
    expect(fallback[0]).toContain('node:inspector');
  });

  it("sampler 'native' is a clear fault, and requests still pass", () => {
    const errors: string[] = [];
    const logger: Logger = { info() {}, warn: (m) => void errors.push(m), error: (m) => void errors.push(m) };
    const profiler = createProfiler({ sampler: 'native', logger });
    for (let i = 0; i < 3; i++)
      expect(profiler.start({ method: 'GET', url: '/', header: () => undefined, raw: {} })).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      /sampler setup failed: .*'native' was asked for but v8-profiler-next could not be loaded/,
    );
  });
});
