import { describe, expect, it } from 'vitest';
import { getContextTimeline } from '../src/sampler/context.js';
import { nowUs } from '../src/runtime.js';

// The context timeline's hooks, without a sampler: timestamps taken inside each request's own code
// (after awaits, in timers, in immediates) must fall in that request's context and no other's.
const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];

describe('context timeline (real async hooks)', () => {
  it('takes continuations from V8 promise hooks exactly where Node lets async_hooks skip promises', () => {
    const timeline = getContextTimeline()!;
    const frame = !process.execArgv.includes('--no-async-context-frame');
    // trackPromises: false came with Node 26 and 24.x (24.21 has it); 22 has neither it nor
    // AsyncContextFrame by default.
    if (major >= 26 || (major === 24 && minor >= 21)) expect(timeline.splitHooks).toBe(frame);
    if (major <= 22) expect(timeline.splitHooks).toBe(false);
  });

  it('attributes each request’s own code, across awaits, timers and immediates, to it alone', async () => {
    const timeline = getContextTimeline()!;
    const marks = new Map<number, number[]>();
    async function request(): Promise<number> {
      const id = timeline.enter();
      const mine: number[] = [];
      marks.set(id, mine);
      const mark = (): void => {
        const t = nowUs();
        while (nowUs() - t < 50);
        mine.push(t + 25);
      };
      for (let i = 0; i < 20; i++) {
        mark();
        await null;
        mark();
        await new Promise<void>((resolve) => setImmediate(resolve));
        mark();
        await new Promise<void>((resolve) =>
          setTimeout(() => {
            mark();
            resolve();
          }, 1),
        );
      }
      timeline.leave();
      return id;
    }
    // Three requests, each from a callback of its own, interleaving at every await.
    const ids = await Promise.all(
      [0, 1, 2].map(() => new Promise<number>((resolve) => setImmediate(() => void request().then(resolve)))),
    );
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) {
      const own = timeline.ownership(id);
      const mine = marks.get(id)!;
      expect(mine).toHaveLength(80);
      for (const t of mine) expect(own.at(t)).toBe(true);
      for (const other of ids.filter((o) => o !== id)) {
        for (const t of marks.get(other)!) expect(own.at(t)).toBe(false);
      }
    }
  });
});
