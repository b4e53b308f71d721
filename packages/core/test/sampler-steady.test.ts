import { describe, expect, it } from 'vitest';
import type { SamplerKind } from '../src/index.js';
import { loadBackend } from '../src/sampler/load.js';
import { SharedSampler } from '../src/sampler/shared.js';
import { getContextTimeline } from '../src/sampler/context.js';

// slowThreshold in production: steady overlapping traffic, every recording dropped. Only an ended
// recording asked for a rotation, and some request was always in flight, so the idle rotation
// never came either: V8's running profile and the context timeline grew for the process's life.
const asked = (process.env.PROF_TEST_SAMPLER ?? 'auto') as SamplerKind;

describe('steady traffic, every recording dropped (real sampler)', () => {
  it('the profile is still rotated and the context timeline stays bounded', async () => {
    const { backend } = loadBackend(asked, 1000);
    let stops = 0;
    const stop = backend.stop.bind(backend);
    backend.stop = (slot) => {
      stops++;
      return stop(slot);
    };
    const shared = new SharedSampler(backend, 1000);
    shared.warmUp();
    const timeline = getContextTimeline()!;
    let maxLength = 0;
    let requests = 0;
    async function request(): Promise<void> {
      const rec = shared.begin(true);
      for (let i = 0; i < 100; i++) await null;
      maxLength = Math.max(maxLength, timeline.length);
      shared.discard(rec);
      requests++;
    }
    const deadline = Date.now() + 6500;
    // Four requests in flight at any time, each in its own async context.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < deadline) {
          await new Promise<void>((resolve) => setImmediate(() => void request().then(resolve)));
        }
      }),
    );
    expect(requests).toBeGreaterThan(1000);
    // 6.5 s with a profile older than 5 s rotated when a dropped recording ends.
    expect(stops).toBeGreaterThanOrEqual(1);
    // Trimmed at 65,536 transitions (a few more arrive before the next dropped recording ends).
    expect(maxLength).toBeLessThan(2 * 65_536);
    expect(timeline.length).toBeLessThan(2 * 65_536);
  });
});
