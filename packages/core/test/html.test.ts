import { describe, expect, it } from 'vitest';
import { Report, SamplesBuilder, profile, type ReportMeta } from '@prof/core';
import { MAX_RUNS, MAX_STACKS, type HtmlData } from '../src/render/html/data.js';
import { jsonForScript } from '../src/render/html.js';

const dataOf = (html: string): HtmlData => {
  const m = /<script type="application\/json" id="prof-data">([^<]*)<\/script>/.exec(html);
  expect(m).not.toBeNull();
  return JSON.parse(m![1]!) as HtmlData;
};

const meta = (extra: Partial<ReportMeta> = {}): ReportMeta => ({
  id: 't',
  method: 'GET',
  path: '/sixty',
  status: 200,
  startedAt: new Date(0).toISOString(),
  duration: 60_000,
  cpuTime: 60_000,
  sampleCount: 60_000,
  interval: 1000,
  sampler: 'native',
  truncated: false,
  ...extra,
});

/** 60 s at 1 ms where every sample takes a different random path below depth 8: far more distinct stacks than real code. */
function sixtySeconds(): Report {
  const b = new SamplesBuilder();
  const fns = Array.from({ length: 400 }, (_, i) => ({
    functionName: `fn${i}`,
    url: `file:///srv/app/src/m${i % 40}.js`,
    lineNumber: 10 + i,
    columnNumber: 3,
  }));
  let seed = 42;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff) / 0x7fffffff;
  const start = 1e9;
  for (let i = 0; i < 60_000; i++) {
    const depth = 12 + Math.floor(rnd() * 20);
    let s = -1;
    for (let d = 0; d < depth; d++) s = b.stack(s, b.frame(fns[(d * 7 + Math.floor(rnd() * (d < 8 ? 2 : 40))) % 400]!));
    b.sample(s, start + (i + 1) * 1000);
  }
  return new Report(b.build(start, start + 60_000 * 1000, 1000), meta());
}

describe('HTML report data', () => {
  it('escapes < and the JS line separators so the JSON cannot leave its script element', () => {
    const out = jsonForScript({ a: '</script><!-- \u2028\u2029' });
    expect(out).not.toMatch(/[<\u2028\u2029]/);
    expect(JSON.parse(out)).toEqual({ a: '</script><!-- \u2028\u2029' });
  });

  it('embeds a real recording exactly: frames, stack table and per-stack time summing to the total', async () => {
    const report = await profile(function htmlWork() {
      let s = 0;
      const end = Date.now() + 80;
      while (Date.now() < end) s += Math.sqrt(s + 1);
      return s;
    });
    const html = report.html();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<(link|img|iframe)\b|src=|https?:\/\//i);
    const data = dataOf(html);
    expect(data.pruned).toBe(false);
    expect(data.frames.map((f) => f[0])).toContain('htmlWork');
    let sum = 0;
    for (let i = 1; i < data.weights.length; i += 2) sum += data.weights[i]!;
    expect(Math.abs(sum - data.total)).toBeLessThanOrEqual(data.weights.length / 2);
    expect(Math.abs(data.total - report.samples.weights.reduce((a, b) => a + b, 0))).toBeLessThan(1);
  });

  it('keeps a 60 s, 1 ms profile under 2 MB with the totals intact', () => {
    const report = sixtySeconds();
    expect(report.samples.stackParent.length).toBeGreaterThan(MAX_STACKS * 10);
    const html = report.html();
    const bytes = Buffer.byteLength(html);
    expect(bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    const data = dataOf(html);
    expect(data.pruned).toBe(true);
    expect(data.resampled).toBe(true);
    expect(data.stacks.length / 2).toBeLessThanOrEqual(2 * MAX_STACKS);
    expect(data.timeline.length / 2).toBeLessThanOrEqual(MAX_RUNS);
    let sum = 0;
    for (let i = 1; i < data.weights.length; i += 2) sum += data.weights[i]!;
    expect(Math.abs(sum - 60_000_000)).toBeLessThanOrEqual(data.weights.length / 2);
    let tl = 0;
    for (let i = 1; i < data.timeline.length; i += 2) tl += data.timeline[i]!;
    expect(Math.abs(tl - 60_000_000)).toBeLessThanOrEqual(data.timeline.length / 2);
    expect(data.frames.some((f) => f[0].startsWith('[other frames'))).toBe(true);
    // Every stack's parent comes before it (the viewer relies on it) and frames exist.
    for (let s = 0; s < data.stacks.length / 2; s++) {
      expect(data.stacks[2 * s]!).toBeLessThan(s);
      expect(data.frames[data.stacks[2 * s + 1]!]).toBeDefined();
    }
  });
});
