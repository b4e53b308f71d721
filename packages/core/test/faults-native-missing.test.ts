import Module from 'node:module';
import v8 from 'node:v8';
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

// Node >= 24 has @datadog/pprof's prebuilt binary (unless CI hides it, .ci/no-pprof.cjs), then a
// built-in profiler that needs no build (unless CI hides it, .ci/no-v8.cjs); before it, node:inspector.
function pprofLoads(): boolean {
  if (Number(process.versions.node.split('.')[0]) < 24) return false;
  try {
    Module.createRequire(new URL('../src/index.ts', import.meta.url))(
      '@datadog/pprof/out/src/time-profiler-bindings.js',
    );
    return true;
  } catch {
    return false;
  }
}
const fallback = pprofLoads()
  ? 'pprof'
  : typeof (v8 as { startCpuProfile?: unknown }).startCpuProfile === 'function'
    ? 'v8'
    : 'inspector';

describe("sampler 'auto' without a loadable v8-profiler-next", () => {
  it(`samples through the no-build backend (${fallback} here) and says so in one log line`, async () => {
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
    expect(reports.every((r) => r.meta.sampler === fallback)).toBe(true);
    const startup = infos.filter((m) => m.startsWith('prof: sampling with'));
    expect(startup).toHaveLength(1);
    if (fallback === 'inspector') {
      // The exact fix for each package manager, since the addon is installed but unbuilt.
      expect(startup[0]).toContain('node:inspector');
      expect(startup[0]).toContain('pnpm.onlyBuiltDependencies');
      expect(startup[0]).toContain('pnpm approve-builds');
      expect(startup[0]).toContain('dependenciesMeta');
      expect(startup[0]).toContain('npm rebuild v8-profiler-next');
    } else if (fallback === 'v8') {
      expect(startup[0]).toContain("node:v8's startCpuProfile()");
      expect(startup[0]).not.toContain('approve-builds');
    } else {
      expect(startup[0]).toContain("@datadog/pprof's time profiler");
      expect(startup[0]).not.toContain('approve-builds');
    }
  });

  it("sampler 'native' is a clear fault, and requests still pass", () => {
    const errors: string[] = [];
    const logger: Logger = { info() {}, warn: (m) => void errors.push(m), error: (m) => void errors.push(m) };
    const profiler = createProfiler({ sampler: 'native', logger });
    for (let i = 0; i < 3; i++)
      expect(profiler.start({ method: 'GET', url: '/', header: () => undefined, raw: {} })).toBeUndefined();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/sampler setup failed: .*'native' was asked for but is unavailable: Cannot find module/);
  });
});
