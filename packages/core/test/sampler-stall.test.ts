import { describe, expect, it } from 'vitest';
import type { SamplerKind } from '../src/index.js';
import { loadBackend } from '../src/sampler/load.js';
import { SharedSampler } from '../src/sampler/shared.js';
import type { Samples } from '../src/samples.js';

// A stuck V8 profiler (seen on Node 26: every report for the rest of a process held no sample)
// cannot be produced on demand, so this runs the real backend and withholds its samples for a
// while: the sampler must notice seconds of empty profiles, say so, and restart the profiler.
const asked = (process.env.PROF_TEST_SAMPLER ?? 'auto') as SamplerKind;

/** Samples taken in this file's code: spin() or, once V8 inlined it, its caller. */
function inThisFile(s: Samples): number {
  let n = 0;
  for (const top of s.stacks) {
    for (let k = top; k >= 0; k = s.stackParent[k]!) {
      if (s.frames[s.stackFrame[k]!]!.url.includes('sampler-stall.test')) {
        n++;
        break;
      }
    }
  }
  return n;
}

function spin(ms: number): void {
  const t = performance.now();
  while (performance.now() - t < ms);
}

describe('a stuck profiler (real backend, samples withheld to simulate it)', () => {
  it('is restarted after 2 s of empty profiles, once, with a warning; later recordings have samples', async () => {
    // The 'pprof' backend restarts V8's profiler itself (from its own empty profiles, which this
    // test cannot fake): the sampler's watch is tested with 'v8' there (pprof runs on Node >= 24 only).
    let { backend } = loadBackend(asked, 1000);
    if (backend.restartsStalled) ({ backend } = loadBackend('v8', 1000));
    expect(backend.restartsStalled).toBeFalsy();
    let withhold = true;
    // Starts with no profile running: V8's profiler thread starts anew (the warm-up, a restart).
    let running = 0;
    let coldStarts = 0;
    const start = backend.start.bind(backend);
    const stop = backend.stop.bind(backend);
    backend.start = (slot) => {
      if (running === 0) coldStarts++;
      start(slot);
      running++;
    };
    backend.stop = (slot) => {
      const p = stop(slot);
      running--;
      return withhold ? { ...p, samples: [], timeDeltas: [] } : p;
    };
    const shared = new SharedSampler(backend, 1000);
    const warnings: string[] = [];
    shared.logger = { info() {}, warn: (m) => void warnings.push(m), error() {} };
    shared.warmUp();
    // Recordings every ~30 ms for 3 s: each end asks for a rotation.
    const until = Date.now() + 3000;
    while (Date.now() < until) {
      const rec = shared.begin();
      spin(5);
      await new Promise((r) => setTimeout(r, 25));
      const samples = await shared.end(rec);
      expect(inThisFile(samples)).toBe(0);
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^prof: V8's profiler took no sample for 2 s; restarting it/);
    // Rotations start the other slot before stopping one: only the warm-up and the restart are cold.
    expect(coldStarts).toBe(2);
    withhold = false;
    // Up to 3 recordings: on a loaded machine V8's sampling thread may miss one 50 ms spin. A new
    // profiler describes code optimized before it without inlined frames (the 'v8' and inspector
    // backends create one when every profile has stopped): spin's samples may read as its caller's.
    let seen = 0;
    for (let attempt = 0; attempt < 3 && seen === 0; attempt++) {
      const rec = shared.begin();
      spin(50);
      seen = inThisFile(await shared.end(rec));
    }
    expect(seen).toBeGreaterThan(0);
    expect(warnings).toHaveLength(1);
  });
});
