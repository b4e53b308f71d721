// Pure source-map code on hand-written maps (no sampler): webpack's source URLs and the cache's
// memory bound.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { SourceMapCache, DEFAULT_SOURCE_MAP_LIMITS } from '../src/sourcemap/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'prof-sourcemap-unit-'));
mkdirSync(path.join(dir, 'dist'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `function a(b){return b}` compiled from `function thing(b)…` in `source`, with its map beside it. */
function script(name: string, source: string): string {
  const file = path.join(dir, 'dist', `${name}.js`);
  writeFileSync(path.join(dir, 'package.json'), '{"name":"app"}');
  writeFileSync(file, `function a(b){return b}\n//# sourceMappingURL=${name}.js.map\n`);
  // Segments: col 0 → 1:0; col 9 (`a`) → 1:9 named `thing`; col 10 (`(`) → 1:14.
  const map = { version: 3, sources: [source], names: ['thing'], mappings: 'AAAA,SAASA,CAAK' };
  writeFileSync(`${file}.map`, JSON.stringify(map));
  return file;
}

describe('SourceMapCache (unit, hand-written maps)', () => {
  it("webpack's `webpack://app/./src/x.ts` sources become files under the bundle's package folder", () => {
    const file = script('webpack', 'webpack://app/./src/thing.ts?ts-loader');
    const cache = new SourceMapCache();
    const [f] = cache.resolve([{ functionName: 'a', url: file, lineNumber: 1, columnNumber: 11 }], () => {
      throw new Error('no warning expected');
    });
    expect(f).toEqual({
      functionName: 'thing',
      url: pathToFileURL(path.join(dir, 'src', 'thing.ts')).href,
      lineNumber: 1,
      columnNumber: 15,
    });
  });

  it('drops parsed maps beyond its byte budget, keeping resolved positions', () => {
    const cache = new SourceMapCache({ ...DEFAULT_SOURCE_MAP_LIMITS, maxCacheBytes: 1 });
    const file = script('budget', '../src/budget.ts');
    const frame = { functionName: 'a', url: pathToFileURL(file).href, lineNumber: 1, columnNumber: 11 };
    const first = cache.resolve([frame], () => undefined);
    expect(cache.bytes).toBe(0);
    expect(first[0]).toMatchObject({ functionName: 'thing', lineNumber: 1 });
    expect(cache.resolve([frame], () => undefined)[0]).toEqual(first[0]);
  });
});
