import { describe, expect, it } from 'vitest';
import { createProfiler, type Report, type SamplerKind } from '../src/index.js';
import { loadBackend } from '../src/sampler/load.js';
import { nowUs } from '../src/runtime.js';

// The backend under test, through the real V8 profiler: the contract SharedSampler relies on.
// One backend per process (two V8 CpuProfilers in one thread starve each other's samples): the one
// CI asks for with PROF_TEST_SAMPLER (.ci/node-versions runs this file once per backend), else the
// one 'auto' picks here.
const asked = (process.env.PROF_TEST_SAMPLER ?? 'auto') as SamplerKind;
const { backend: underTest } = loadBackend(asked, 1000);

function spin(ms: number): number {
  let x = 0;
  const t = performance.now();
  while (performance.now() - t < ms) x += Math.sqrt(x + 1);
  return x;
}

describe('sampler backends', () => {
  it(`${underTest.name}: two slots rotate without a gap; samples carry nowUs() timestamps; lines are 1-based`, () => {
    const backend = underTest;
    if (asked !== 'auto') expect(backend.name).toBe(asked);
    const t0 = nowUs();
    backend.start(0);
    spin(150);
    backend.start(1);
    const first = backend.stop(0);
    spin(150);
    const second = backend.stop(1);
    const t1 = nowUs();
    for (const p of [first, second]) {
      expect(p.samples.length).toBeGreaterThan(0);
      expect(p.samples.length).toBe(p.timeDeltas.length);
      // Same monotonic clock as nowUs(): the profile's window overlaps the calls' [t0, t1]. A
      // profile on another clock (Node 24/26's 32-bit-truncated times) lies hours away from it.
      expect(p.startTime).toBeLessThan(t1);
      expect(p.endTime).toBeGreaterThan(t0);
      expect(p.startTime).toBeLessThanOrEqual(p.endTime);
      // Each sample's time inside that window (pprof converts epoch timestamps back to this clock:
      // one left on the epoch would lie decades past the profile's end).
      let t = p.startTime;
      for (const d of p.timeDeltas) {
        t += d;
        expect(t).toBeGreaterThanOrEqual(p.startTime);
      }
      expect(t).toBeLessThanOrEqual(p.endTime);
      const spinNodes = p.nodes.filter((n) => n.callFrame.functionName === 'spin');
      expect(spinNodes.length).toBeGreaterThan(0);
      expect(spinNodes.every((n) => n.callFrame.lineNumber >= 1 && n.callFrame.columnNumber >= 1)).toBe(true);
    }
    // The second slot ran while the first stopped: its profile starts before the first ends.
    expect(second.startTime).toBeLessThanOrEqual(first.endTime);
    expect(() => backend.stop(0)).toThrow(/not running/);
  });

  it("'auto' picks the backend under test (CI hides the faster ones from it), and says so once", async () => {
    const reports: Report[] = [];
    const lines: string[] = [];
    const profiler = createProfiler({
      sampler: 'auto',
      printEachRequest: false,
      logger: { info: (m) => void lines.push(m), warn: (m) => void lines.push(m), error: (m) => void lines.push(m) },
      onReport: (r) => void reports.push(r),
    });
    const handle = profiler.start({ method: 'GET', url: '/spin', header: () => undefined, raw: {} });
    spin(30);
    handle!.finish(200);
    const report = await handle!.report();
    expect(report?.meta.sampler).toBe(underTest.name);
    expect(lines.filter((l) => l.startsWith('prof: sampling with'))).toHaveLength(1);
  });
});
