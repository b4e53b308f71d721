import { describe, expect, it } from 'vitest';
import { createProfiler } from '../src/middleware/profiler.js';
import { resolveOptions, type ProfilerOptions } from '../src/options.js';

describe('options are validated once, at construction', () => {
  const bad: [string, ProfilerOptions | Record<string, unknown>, RegExp][] = [
    ['interval', { interval: 0 }, /`interval`.*microseconds/],
    ['interval', { interval: 1.5 }, /`interval`/],
    ['interval', { interval: '1000' }, /`interval`.*got "1000"/],
    ['enabled', { enabled: 2 }, /`enabled`.*rate in 0\.\.1/],
    ['enabled', { enabled: 'yes' }, /`enabled`/],
    ['output', { output: 'xml' }, /`output`.*'text'/],
    ['output', { output: [] }, /`output`/],
    ['printEachRequest', { printEachRequest: 1 }, /`printEachRequest`.*boolean/],
    ['outputDir', { outputDir: '' }, /`outputDir`/],
    ['fileName', { fileName: '{nope}.txt' }, /`fileName`.*\{timestamp\}/],
    ['fileName', { fileName: 42 }, /`fileName`/],
    ['queryParam', { queryParam: 'a b' }, /`queryParam`/],
    ['header', { header: 'X Profile' }, /`header`/],
    ['allow', { allow: true }, /`allow`.*function/],
    ['slowThreshold', { slowThreshold: -1 }, /`slowThreshold`/],
    ['render', { render: 'all' }, /`render`.*object/],
    ['render.time', { render: { time: 'ms' } }, /`render\.time`.*'seconds' or 'percent'/],
    ['render.filterThreshold', { render: { filterThreshold: 5 } }, /`render\.filterThreshold`/],
    ['render.hide', { render: { hide: '*.js' } }, /`render\.hide`.*array/],
    ['onReport', { onReport: 'log' }, /`onReport`/],
    ['serverTiming', { serverTiming: 'on' }, /`serverTiming`/],
    ['logger', { logger: { info() {} } }, /`logger`.*info, warn and error/],
    ['sampler', { sampler: 'perf' }, /`sampler`.*'auto', 'pprof', 'native', 'v8' or 'inspector'/],
    ['maxConcurrent', { maxConcurrent: 0 }, /`maxConcurrent`/],
    ['maxDuration', { maxDuration: -5 }, /`maxDuration`/],
    // Issue 16: above 2³¹−1 ms Node clamps the timer to 1 ms, cutting every request at once.
    ['maxDuration', { maxDuration: 3e9 }, /`maxDuration`.*2147483647/],
    // Added with the hardening work (issue 8): the cases the table above did not cover.
    ['interval', { interval: 10 }, /`interval`.*between 50 and 1000000/],
    ['enabled', { enabled: Number.NaN }, /`enabled`.*rate in 0\.\.1/],
    ['output', { output: ['text', 'nope'] }, /`output`.*got "nope"/],
    ['outputDir', { outputDir: 42 }, /`outputDir`.*non-empty string/],
    ['fileName', { fileName: '' }, /`fileName`.*non-empty/],
    ['queryParam', { queryParam: '' }, /`queryParam`/],
    ['header', { header: 'x:y' }, /`header`.*HTTP header name/],
    ['slowThreshold', { slowThreshold: Number.POSITIVE_INFINITY }, /`slowThreshold`.*milliseconds/],
    ['render.showAll', { render: { showAll: 'yes' } }, /`render\.showAll`.*boolean/],
    ['render.color', { render: { color: 1 } }, /`render\.color`.*boolean/],
    ['render.unicode', { render: { unicode: 'no' } }, /`render\.unicode`.*boolean/],
    ['render.show', { render: { show: [1] } }, /`render\.show`.*array of glob strings/],
    ['logger', { logger: 'console' }, /`logger`/],
    ['maxConcurrent', { maxConcurrent: 1001 }, /`maxConcurrent`.*between 1 and 1000/],
    ['maxConcurrent', { maxConcurrent: 2.5 }, /`maxConcurrent`.*integer/],
    ['maxDuration', { maxDuration: '30s' }, /`maxDuration`.*got "30s"/],
    ['attribution', { attribution: 'thread' }, /`attribution`.*'context' or 'window'/],
    ['maxFiles', { maxFiles: 0 }, /`maxFiles`.*integer ≥ 1/],
    ['maxFiles', { maxFiles: 2.5 }, /`maxFiles`/],
    ['maxFiles', { maxFiles: '100' }, /`maxFiles`.*got "100"/],
    ['maxPendingWrites', { maxPendingWrites: 0 }, /`maxPendingWrites`.*between 1 and 100000/],
    ['maxPendingWrites', { maxPendingWrites: true }, /`maxPendingWrites`/],
    ['options', [] as unknown as Record<string, unknown>, /`options`.*object/],
  ];

  it.each(bad)('%s: %j throws a TypeError naming it', (_name, opts, message) => {
    expect(() => resolveOptions(opts as ProfilerOptions)).toThrow(TypeError);
    expect(() => resolveOptions(opts as ProfilerOptions)).toThrow(message);
  });

  it('rejects unknown option names with a did-you-mean hint', () => {
    expect(() => resolveOptions({ intervall: 1000 } as ProfilerOptions)).toThrow(
      /unknown option `intervall`; did you mean `interval`\?/,
    );
    expect(() => resolveOptions({ maxfiles: 10 } as ProfilerOptions)).toThrow(
      /unknown option `maxfiles`; did you mean `maxFiles`\?/,
    );
    expect(() => resolveOptions({ maxPendingWrite: 10 } as ProfilerOptions)).toThrow(
      /did you mean `maxPendingWrites`\?/,
    );
    expect(() => resolveOptions({ render: { showall: true } } as ProfilerOptions)).toThrow(
      /`render\.showall`; did you mean `render\.showAll`/,
    );
  });

  it('fills defaults from DESIGN.md', () => {
    const o = resolveOptions();
    expect(o).toMatchObject({
      interval: 1000,
      output: ['text'],
      printEachRequest: true,
      slowThreshold: 0,
      serverTiming: false,
      sampler: 'auto',
    });
    expect(o.enabled({})).toBe(true);
    expect(o).toMatchObject({
      maxConcurrent: 32,
      maxDuration: 30_000,
      maxFiles: undefined,
      maxPendingWrites: 64,
      attribution: 'context',
    });
    expect(resolveOptions({ enabled: false }).maybeEnabled).toBe(false);
    expect(resolveOptions({ enabled: 0 }).enabled({})).toBe(false);
    expect(resolveOptions({ enabled: 1 }).enabled({})).toBe(true);
    expect(resolveOptions({ enabled: (r) => (r as { ok: boolean }).ok }).enabled({ ok: true })).toBe(true);
    expect(resolveOptions({ output: ['json', 'json', 'text'] }).output).toEqual(['json', 'text']);
  });

  it('says a profiler is inert exactly when no request can ever be profiled or timed', () => {
    expect(createProfiler({ enabled: false }).inert).toBe(true);
    expect(createProfiler({ enabled: 0 }).inert).toBe(true);
    expect(createProfiler({ enabled: false, allow: () => true }).inert).toBe(true); // no queryParam nor header
    expect(createProfiler().inert).toBe(false);
    expect(createProfiler({ enabled: 0.01 }).inert).toBe(false);
    expect(createProfiler({ enabled: () => false }).inert).toBe(false);
    expect(createProfiler({ enabled: false, serverTiming: true }).inert).toBe(false);
    expect(createProfiler({ enabled: false, queryParam: 'profile', allow: () => true }).inert).toBe(false);
    expect(createProfiler({ enabled: false, header: 'x-profile', allow: () => true }).inert).toBe(false);
    expect(createProfiler({ enabled: false, queryParam: 'profile' }).inert).toBe(true); // asking is not enough
  });
});

describe('options are read from their own properties only', () => {
  it('a polluted Object.prototype neither sets nor fills an option', () => {
    const proto = Object.prototype as Record<string, unknown>;
    const polluted = { outputDir: '/tmp/evil', allow: () => true, queryParam: 'p', showAll: true, interval: 50 };
    Object.assign(proto, polluted);
    try {
      const o = resolveOptions({ render: {} });
      expect(o.outputDir).toBeUndefined();
      expect(o.allow).toBeUndefined();
      expect(o.queryParam).toBeUndefined();
      expect(o.interval).toBe(1000);
      expect(o.render.showAll).toBe(false);
      const p = createProfiler({ printEachRequest: false });
      expect(p.options.outputDir).toBeUndefined();
    } finally {
      for (const k of Object.keys(polluted)) delete proto[k];
    }
  });
});
