import { beforeAll, describe, expect, it } from 'vitest';
import { profile } from '@prof/core';
import type { CallNode } from '../src/tree/build.js';

// Real V8 sampling, both backends: no stubbed sampler here.
const CI = process.env.CI === 'true';

function spin(ms: number): number {
  const end = performance.now() + ms;
  let x = 0;
  while (performance.now() < end) x += Math.sqrt(x + 1);
  return x;
}
function heavy(): number {
  return spin(3);
}
function light(): number {
  return spin(1);
}

function timeUnder(node: CallNode, name: string): number {
  if (node.frame.name === name) return node.total;
  return node.children.reduce((sum, c) => sum + timeUnder(c, name), 0);
}

async function nativeAvailable(): Promise<boolean> {
  try {
    const { createRequire } = await import('node:module');
    createRequire(import.meta.url)('v8-profiler-next');
    return true;
  } catch {
    return false;
  }
}

describe.each(['native', 'inspector'] as const)('real sampling through the %s backend', (sampler) => {
  // Two V8 profilers in one thread share its samples: let the previous backend's profile, kept
  // for a second after profile() returns (the sampler's linger), stop before this one starts.
  beforeAll(() => new Promise((resolve) => setTimeout(resolve, 1500)));

  it('is available (native must build in CI)', async () => {
    if (sampler === 'native' && !(await nativeAvailable())) {
      expect.soft(CI, 'v8-profiler-next did not build; CI must build it').toBe(false);
    }
  });

  it('splits 75/25 between heavy and light within ±5 points, with a sample count near duration/interval', async (ctx) => {
    if (sampler === 'native' && !(await nativeAvailable())) {
      if (CI) throw new Error('v8-profiler-next is not built');
      ctx.skip();
    }
    const report = await profile(
      () => {
        for (let i = 0; i < 150; i++) {
          heavy();
          light();
        }
      },
      { sampler },
    );
    const root = report.tree();
    const h = timeUnder(root, 'heavy');
    const l = timeUnder(root, 'light');
    expect(h + l).toBeGreaterThan(0);
    const share = h / (h + l);
    expect(share).toBeGreaterThan(0.7);
    expect(share).toBeLessThan(0.8);
    const expected = (report.meta.duration * 1000) / report.meta.interval;
    // V8's sampling thread delivers 0.83–0.91 of the nominal rate on this project's VMs (measured on
    // the base commit, idle machine): the bound catches a sampler that stops or halves its rate.
    expect(report.meta.sampleCount).toBeGreaterThan(expected * 0.75);
    expect(report.meta.sampleCount).toBeLessThan(expected * 1.15);
    expect(report.meta.sampler).toBe(sampler);
  });

  it('keeps await time as idle and CPU time apart', async (ctx) => {
    if (sampler === 'native' && !(await nativeAvailable())) {
      if (CI) throw new Error('v8-profiler-next is not built');
      ctx.skip();
    }
    const report = await profile(
      async () => {
        heavy();
        await new Promise((r) => setTimeout(r, 60));
        heavy();
      },
      { sampler },
    );
    // The timer's wait is recorded as waiting, not CPU time: the waiting samples outweigh the two
    // heavy() calls (6 ms against 60 ms), and CPU time stays below the request's duration.
    const { frames, stackFrame, stacks, weights } = report.samples;
    let waited = 0;
    for (let i = 0; i < stacks.length; i++) {
      const leaf = frames[stackFrame[stacks[i]!]!]!;
      if (leaf.url === '' && /^\((await|idle)/.test(leaf.functionName)) waited += weights[i]!;
    }
    expect(waited / 1000).toBeGreaterThan(report.meta.cpuTime);
    expect(report.meta.cpuTime).toBeLessThan(report.meta.duration);
    expect(report.text({ color: false })).toContain('heavy');
  });
});
