import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../src/defaults.js';
import { reportPath, sanitizeComponent, writeReportFiles } from '../src/middleware/files.js';
import { nextReportId } from '../src/meta.js';
import { Report, type ReportMeta } from '../src/report.js';
import { SamplesBuilder } from '../src/samples.js';

// File naming and writing only; the report holds no samples (no sampler involved).
function emptyReport(meta: Partial<ReportMeta>): Report {
  return new Report(new SamplesBuilder().build(0, 1000, 1000), {
    id: 'abc-1',
    startedAt: '2026-11-24T10:20:30.456Z',
    duration: 12.3,
    cpuTime: 1,
    sampleCount: 0,
    interval: 1000,
    sampler: 'native',
    truncated: false,
    method: 'GET',
    status: 200,
    ...meta,
  });
}

describe('report file names', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'prof-files-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fills the default template', () => {
    const file = reportPath(dir, '{timestamp}-{method}-{path}.{ext}', emptyReport({ path: '/users/42?x=1' }), 'json');
    expect(path.basename(file)).toBe('2026-11-24T10-20-30.456-GET-users_42.json');
    expect(path.dirname(file)).toBe(path.resolve(dir));
  });

  const hostile = [
    '/../../etc/passwd',
    '/%2e%2e/%2e%2e/secret',
    '/..%2f..%2fsecret',
    '/C:\\Windows\\system32',
    '/a\u0000b',
    `/${'x'.repeat(10_000)}`,
    '/\u202e\u0301\ud83d\ude00/ｆｕｌｌ',
    '//absolute/path',
    '/.hidden',
  ];
  it.each(hostile)('keeps %j inside outputDir and under 200 bytes', (p) => {
    const file = reportPath(dir, '{path}.{ext}', emptyReport({ path: p }), 'txt');
    expect(path.dirname(file)).toBe(path.resolve(dir));
    const base = path.basename(file);
    expect(Buffer.byteLength(base)).toBeLessThanOrEqual(200);
    expect(base).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*\.txt$/);
    expect(base).not.toContain('..');
  });

  it('keeps a callback’s answer inside outputDir too', () => {
    const file = reportPath(dir, () => '../../escape.txt', emptyReport({ path: '/' }), 'txt');
    expect(path.dirname(file)).toBe(path.resolve(dir));
  });

  it('sanitises components', () => {
    expect(sanitizeComponent('../..')).toBe('root');
    expect(sanitizeComponent('a/b\\c')).toBe('a_b_c');
  });

  it('writes each output atomically, leaving no temporary file', async () => {
    const written = await writeReportFiles(emptyReport({ path: '/x' }), { outputDir: dir, fileName: '{id}.{ext}' }, [
      'text',
      'json',
    ]);
    expect(written.map((f) => path.basename(f)).sort()).toEqual(['abc-1.json', 'abc-1.txt']);
    expect(JSON.parse(readFileSync(written.find((f) => f.endsWith('.json'))!, 'utf8')).meta.id).toBe('abc-1');
    expect(readdirSync(dir).some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('gives every report its own name by default, even many of one path in one millisecond', () => {
    // Issue 16: the default once had no {id}; 1,000 requests at concurrency 8 gave 876 files.
    const names = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const r = emptyReport({ id: nextReportId(), path: '/orders', startedAt: '2026-11-24T10:20:30.456Z' });
      names.add(path.basename(reportPath(dir, DEFAULTS.fileName, r, 'txt')));
    }
    expect(names.size).toBe(1000);
  });

  it('writes each format to its own file when the template has no {ext}', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'prof-noext-'));
    try {
      const written = await writeReportFiles(emptyReport({ path: '/x' }), { outputDir: out, fileName: 'latest' }, [
        'text',
        'json',
        'speedscope',
      ]);
      expect(written.map((f) => path.basename(f)).sort()).toEqual([
        'latest.json',
        'latest.speedscope.json',
        'latest.txt',
      ]);
      expect(readdirSync(out).sort()).toEqual(['latest.json', 'latest.speedscope.json', 'latest.txt']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("never writes over a user's file that a template names, yet rewrites its own reports of earlier runs", async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'prof-own-'));
    try {
      writeFileSync(path.join(out, 'config.json'), '{"db":"secret"}');
      writeFileSync(path.join(out, 'config.txt'), 'my notes');
      const report = emptyReport({ id: 'r-1', path: '/config' });
      const written = await writeReportFiles(report, { outputDir: out, fileName: '{path}.{ext}' }, ['json', 'text']);
      expect(written.map((f) => path.basename(f)).sort()).toEqual(['config-r-1.json', 'config-r-1.txt']);
      expect(readFileSync(path.join(out, 'config.json'), 'utf8')).toBe('{"db":"secret"}');
      expect(readFileSync(path.join(out, 'config.txt'), 'utf8')).toBe('my notes');
      // A report an earlier process wrote under a constant name is prof's: it is rewritten in place.
      writeFileSync(path.join(out, 'latest.json'), `${emptyReport({ id: 'old' }).json()}`);
      const again = await writeReportFiles(emptyReport({ id: 'new' }), { outputDir: out, fileName: 'latest' }, [
        'json',
      ]);
      expect(again.map((f) => path.basename(f))).toEqual(['latest.json']);
      expect(JSON.parse(readFileSync(path.join(out, 'latest.json'), 'utf8')).meta.id).toBe('new');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
