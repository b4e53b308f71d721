import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import Ajv from 'ajv';
import { Profile } from 'pprof-format';
import { beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS, createProfiler, profile, type OutputFormat, type Report } from '@prof/core';

// One real recording (the real sampler) of a function that burns CPU in a named helper.
function spinHelper(ms: number): number {
  let s = 0;
  const end = Date.now() + ms;
  while (Date.now() < end) s += Math.sqrt(s + 1);
  return s;
}

let report: Report;
beforeAll(async () => {
  report = await profile(async function exportWork() {
    spinHelper(120);
    await new Promise((r) => setTimeout(r, 30));
    spinHelper(60);
  });
});

const totalUs = (r: Report): number => r.samples.weights.reduce((a, b) => a + b, 0);

describe('speedscope export', () => {
  it('validates against the schema shipped in the speedscope package', () => {
    const require = createRequire(import.meta.url);
    const pkgDir = require.resolve('speedscope/package.json').replace(/package\.json$/, '');
    const schema = JSON.parse(readFileSync(`${pkgDir}dist/release/file-format-schema.json`, 'utf8'));
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(schema);
    const file = JSON.parse(report.speedscope());
    const ok = validate(file);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    // A broken file is refused, so the validator is really checking.
    expect(validate({ ...file, profiles: [{ ...file.profiles[0], type: 'nonsense' }] })).toBe(false);
  });

  it('is one sampled profile in µs named after the recording, weights summing to the report', () => {
    const file = JSON.parse(report.speedscope());
    expect(file.name).toBe('exportWork');
    const p = file.profiles[0];
    expect(p).toMatchObject({ type: 'sampled', unit: 'microseconds', name: 'exportWork', startValue: 0 });
    expect(p.samples.length).toBe(p.weights.length);
    const sum = p.weights.reduce((a: number, b: number) => a + b, 0);
    expect(sum).toBeCloseTo(totalUs(report), 3);
    expect(p.endValue).toBeCloseTo(sum, 3);
    for (const s of p.samples) for (const f of s) expect(file.shared.frames[f]).toBeDefined();
    const names = file.shared.frames.map((f: { name: string }) => f.name);
    expect(names).toContain('spinHelper');
    expect(names).not.toContain('[root]');
  });
});

describe('cpuprofile export', () => {
  it('keeps nodes, samples and timeDeltas consistent, 0-based lines and file:// URLs', () => {
    const cp = JSON.parse(report.cpuprofile());
    const byId = new Map<
      number,
      {
        id: number;
        hitCount: number;
        children?: number[];
        callFrame: { functionName: string; url: string; lineNumber: number };
      }
    >();
    for (const n of cp.nodes) byId.set(n.id, n);
    expect(byId.size).toBe(cp.nodes.length);
    expect(cp.nodes[0].callFrame.functionName).toBe('(root)');
    expect(cp.samples.length).toBe(cp.timeDeltas.length);
    expect(cp.samples.length).toBe(report.meta.sampleCount);
    const hits = new Map<number, number>();
    for (const id of cp.samples) {
      expect(byId.has(id)).toBe(true);
      hits.set(id, (hits.get(id) ?? 0) + 1);
    }
    for (const n of cp.nodes) expect(n.hitCount).toBe(hits.get(n.id) ?? 0);
    // Every node but the root has exactly one parent.
    const parents = new Map<number, number>();
    for (const n of cp.nodes)
      for (const c of n.children ?? []) {
        expect(parents.has(c)).toBe(false);
        parents.set(c, n.id);
      }
    expect(parents.size).toBe(cp.nodes.length - 1);
    for (const d of cp.timeDeltas) expect(d).toBeGreaterThanOrEqual(0);
    const last = cp.startTime + cp.timeDeltas.reduce((a: number, b: number) => a + b, 0);
    expect(last).toBeLessThanOrEqual(cp.endTime);
    // Lines: core keeps V8's 1-based numbers, DevTools wants 0-based.
    const spin = cp.nodes.find(
      (n: { callFrame: { functionName: string } }) => n.callFrame.functionName === 'spinHelper',
    );
    expect(spin).toBeDefined();
    const frame = report.samples.frames.find((f) => f.functionName === 'spinHelper')!;
    expect(spin.callFrame.lineNumber).toBe(frame.lineNumber - 1);
    expect(spin.callFrame.url).toMatch(/^file:\/\/\/.*export\.test\.ts$/);
  });
});

describe('collapsed export', () => {
  it('writes `a;b;c count` lines whose counts sum to the recording in µs', () => {
    const text = report.collapsed();
    const lines = text.trimEnd().split('\n');
    let sum = 0;
    for (const l of lines) {
      const m = /^(.+) (\d+)$/.exec(l);
      expect(m, l).not.toBeNull();
      sum += Number(m![2]);
    }
    expect(Math.abs(sum - totalUs(report))).toBeLessThanOrEqual(lines.length);
    expect(lines.some((l) => /exportWork \([^)]*export\.test\.ts:\d+\);spinHelper \(/.test(l))).toBe(true);
  });
});

describe('pprof export', () => {
  it('decodes with pprof-format, with cpu and wall nanoseconds totalling the report', () => {
    const bytes = report.pprof();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([bytes[0], bytes[1]]).toEqual([0x1f, 0x8b]);
    const p = Profile.decode(gunzipSync(bytes));
    const str = (i: number | bigint): string => p.stringTable.strings[Number(i)]!;
    expect(p.sampleType.map((t) => `${str(t.type)}/${str(t.unit)}`)).toEqual(['cpu/nanoseconds', 'wall/nanoseconds']);
    expect(Number(p.period)).toBe(report.meta.interval * 1000);
    let cpu = 0;
    let wall = 0;
    for (const s of p.sample) {
      cpu += Number(s.value[0]);
      wall += Number(s.value[1]);
    }
    expect(Math.abs(wall - totalUs(report) * 1000)).toBeLessThanOrEqual(p.sample.length);
    expect(Math.abs(cpu - report.meta.cpuTime * 1e6)).toBeLessThanOrEqual(p.sample.length);
    const fnNames = p.function.map((f) => str(f.name));
    expect(fnNames).toContain('spinHelper');
    // Locations are leaf first: some sample's first location is spinHelper (or something it calls).
    const spinFn = p.function.find((f) => str(f.name) === 'spinHelper')!;
    const spinLoc = p.location.find((l) => Number(l.line[0]!.functionId) === Number(spinFn.id))!;
    expect(p.sample.some((s) => s.locationId.map(Number).includes(Number(spinLoc.id)))).toBe(true);
  });
});

describe('OUTPUT_FORMATS', () => {
  it('registers every format with its extension and content type', () => {
    const table = Object.fromEntries(
      Object.entries(OUTPUT_FORMATS).map(([k, v]) => [k, [v!.ext, v!.contentType.split(';')[0]]]),
    );
    expect(table).toEqual({
      text: ['txt', 'text/plain'],
      json: ['json', 'application/json'],
      html: ['html', 'text/html'],
      speedscope: ['speedscope.json', 'application/json'],
      cpuprofile: ['cpuprofile', 'application/json'],
      collapsed: ['collapsed.txt', 'text/plain'],
      pprof: ['pb.gz', 'application/octet-stream'],
    });
    for (const f of Object.keys(OUTPUT_FORMATS) as (keyof typeof OUTPUT_FORMATS)[]) {
      const out = report.render(f);
      expect(out.length, f).toBeGreaterThan(0);
    }
  });
});

describe('outputDir', () => {
  it('writes every format with its extension, pprof as gzipped bytes', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prof-export-'));
    try {
      const output = Object.keys(OUTPUT_FORMATS) as OutputFormat[];
      const prof = createProfiler({ outputDir: dir, output, printEachRequest: false, fileName: 'report.{ext}' });
      await prof.deliver(report);
      expect(readdirSync(dir).sort()).toEqual([
        'report.collapsed.txt',
        'report.cpuprofile',
        'report.html',
        'report.json',
        'report.pb.gz',
        'report.speedscope.json',
        'report.txt',
      ]);
      expect(Profile.decode(gunzipSync(readFileSync(path.join(dir, 'report.pb.gz')))).sample.length).toBeGreaterThan(0);
      const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('"exportWork"');
      expect(JSON.parse(readFileSync(path.join(dir, 'report.cpuprofile'), 'utf8')).samples.length).toBe(
        report.meta.sampleCount,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
