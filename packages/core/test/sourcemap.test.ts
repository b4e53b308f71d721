// Frames of compiled and bundled code, reported at their TypeScript sources: real tsc and esbuild
// output, the real sampler, every format.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProfiler, profile, type Logger, type Report } from '@prof/core';
import {
  type Built,
  bundleWithEsbuild,
  bundleWithLibrary,
  compileWithBadMap,
  compileWithTsc,
  HOT_SOURCE,
  lineOf,
  type LibraryBuilt,
} from './fixtures/compile.js';

const HOT_LINE = lineOf(HOT_SOURCE, 'export function crunchOrderTotals');
const HANDLE_LINE = lineOf(HOT_SOURCE, 'export function handleOrders');

interface JsonNode {
  function: string;
  file: string;
  line: number;
  kind: string;
  library?: string;
  children: JsonNode[];
}
function jsonNodes(report: Report): JsonNode[] {
  const out: JsonNode[] = [];
  const walk = (n: JsonNode): void => {
    out.push(n);
    n.children.forEach(walk);
  };
  walk(JSON.parse(report.json()).tree);
  return out;
}

function quietLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

const built: Built[] = [];
afterAll(() => {
  for (const b of built) rmSync(b.dir, { recursive: true, force: true });
});
function keep<T extends Built>(b: T): T {
  built.push(b);
  return b;
}

describe.each([
  ['tsc with a .js.map beside the script', () => compileWithTsc(false)],
  ['tsc with an inline map', () => compileWithTsc(true)],
  ['an esbuild bundle, minified', () => bundleWithEsbuild()],
])('%s', (_name, build) => {
  let fixture: Built;
  let report: Report;
  beforeAll(async () => {
    fixture = keep(build());
    const mod = fixture.load();
    report = await profile(() => mod.handleOrders(250), { interval: 500 });
  });

  it('the compiled frames are elsewhere (what the test maps from)', () => {
    const raw = report.recorded.frames.find((f) => f.url.includes(path.basename(fixture.script)));
    expect(raw, 'a frame of the compiled script').toBeDefined();
    const hot = report.recorded.frames.filter((f) => f.url.includes(path.basename(fixture.script)));
    // tsc moves lines (the interface is gone); esbuild puts everything on line 1 and renames.
    expect(hot.every((f) => f.lineNumber !== HOT_LINE || f.functionName !== 'crunchOrderTotals')).toBe(true);
  });

  it('text names the .ts file, the original line and the original function name', () => {
    const text = report.text({ color: false });
    expect(text).toContain(`crunchOrderTotals  ${fixture.source}:${HOT_LINE}`);
    expect(text).toContain(`handleOrders  ${fixture.source}:${HANDLE_LINE}`);
    expect(text).not.toContain(path.basename(fixture.script));
  });

  it('JSON names the .ts file, the original line and the original function name', () => {
    const hot = jsonNodes(report).find((n) => n.function === 'crunchOrderTotals');
    expect(hot).toMatchObject({ file: fixture.source, line: HOT_LINE, kind: 'app' });
    expect(jsonNodes(report).some((n) => n.file === fixture.script)).toBe(false);
  });
});

describe('every format of a minified bundle', () => {
  let fixture: Built;
  let report: Report;
  beforeAll(async () => {
    fixture = keep(bundleWithEsbuild());
    const mod = fixture.load();
    report = await profile(() => mod.crunchOrderTotals(200), { interval: 500 });
  });
  const sourceUrl = (): string => `file://${fixture.source}`;

  it('speedscope', () => {
    const frames = JSON.parse(report.speedscope()).shared.frames as { name: string; file?: string; line?: number }[];
    expect(frames).toContainEqual(
      expect.objectContaining({ name: 'crunchOrderTotals', file: fixture.source, line: HOT_LINE }),
    );
  });

  it('cpuprofile: the original file as a file URL, 0-based line, as DevTools reads them', () => {
    const nodes = JSON.parse(report.cpuprofile()).nodes as {
      callFrame: { functionName: string; url: string; lineNumber: number };
    }[];
    expect(nodes.map((n) => n.callFrame)).toContainEqual(
      expect.objectContaining({ functionName: 'crunchOrderTotals', url: sourceUrl(), lineNumber: HOT_LINE - 1 }),
    );
  });

  it('pprof', () => {
    const p = Profile.decode(gunzipSync(report.pprof()));
    const str = (i: number | bigint): string => p.stringTable.strings[Number(i)]!;
    const fn = p.function.find((f) => str(f.name) === 'crunchOrderTotals');
    expect(fn).toBeDefined();
    expect(str(fn!.filename)).toBe(sourceUrl());
    expect(Number(fn!.startLine)).toBe(HOT_LINE);
  });

  it('collapsed', () => {
    expect(report.collapsed()).toContain(`crunchOrderTotals (${fixture.source}:${HOT_LINE})`);
  });

  it('HTML', () => {
    const html = report.html();
    const data = JSON.parse(/<script type="application\/json" id="prof-data">(.*?)<\/script>/s.exec(html)![1]!);
    const frames = data.frames as [string, string, number, number, number, string][];
    expect(frames).toContainEqual(['crunchOrderTotals', fixture.source, HOT_LINE, expect.any(Number), 0, '']);
  });
});

describe('sourceMaps: false', () => {
  it('keeps the compiled locations', async () => {
    const fixture = keep(bundleWithEsbuild());
    const mod = fixture.load();
    const report = await profile(() => mod.crunchOrderTotals(150), { interval: 500, sourceMaps: false });
    const text = report.text({ color: false });
    expect(text).toContain(fixture.script);
    expect(text).not.toContain('hot.ts');
  });

  it('is validated: a TypeError naming the option', async () => {
    expect(() => createProfiler({ sourceMaps: 'yes' as never })).toThrow(/`sourceMaps` must be a boolean/);
    await expect(profile(() => 1, { sourceMaps: 1 as never })).rejects.toThrow(TypeError);
  });
});

describe.each([
  ['missing', false],
  ['broken', true],
])('a %s map', (_name, broken) => {
  it('keeps the compiled location, warns once, throws nothing', async () => {
    const fixture = keep(compileWithBadMap(broken));
    const mod = fixture.load();
    const logger = quietLogger();
    const first = await profile(() => mod.crunchOrderTotals(120), { interval: 500, logger });
    const second = await profile(() => mod.crunchOrderTotals(120), { interval: 500, logger });
    for (const r of [first, second]) {
      const text = r.text({ color: false });
      expect(text).toMatch(
        new RegExp(`crunchOrderTotals  ${fixture.script.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+`),
      );
      expect(text).not.toContain('hot.ts');
      r.json();
      r.html();
    }
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(fixture.script);
    expect(logger.warnings[0]).toMatch(broken ? /not valid JSON/ : /not found/);
  });
});

describe('library code inside a bundle', () => {
  let fixture: LibraryBuilt;
  let report: Report;
  beforeAll(async () => {
    fixture = keep(bundleWithLibrary());
    const mod = fixture.load();
    report = await profile(
      function requestLike() {
        mod.crunchOrderTotals(120);
        return mod.loadOrders(120);
      },
      { interval: 500 },
    );
  });

  it('a mapped path inside node_modules is a library frame of that package', () => {
    const lib = jsonNodes(report).find((n) => n.function === 'hydrateRows');
    expect(lib).toMatchObject({ file: fixture.library, kind: 'library', library: 'fake-orm' });
    const app = jsonNodes(report).find((n) => n.function === 'loadOrders');
    expect(app).toMatchObject({ kind: 'app', file: path.join(fixture.dir, 'src', 'repository.ts') });
  });

  it('is folded in text, and shown by a `show` glob on the mapped path', () => {
    const folded = report.text({ color: false });
    expect(folded).toContain(`hydrateRows  ${fixture.library}:2`);
    expect(folded).toMatch(/frames? hidden\]\s+fake-orm/);
    expect(folded).not.toContain('materializeRows');
    const shown = report.text({ color: false, show: ['**/node_modules/fake-orm/**'] });
    expect(shown).not.toMatch(/frames? hidden\]\s+fake-orm/);
    expect(shown).toContain(`materializeRows  ${fixture.library}:5`);
    // A `hide` glob on a mapped app path folds it like library code: the library under it goes too.
    const hidden = report.text({ color: false, hide: ['**/src/repository.ts'] });
    expect(hidden).toContain('loadOrders');
    expect(hidden).not.toContain('hydrateRows');
  });

  it("the HTML marks it as library code of fake-orm (the viewer's library toggle)", () => {
    const html = report.html();
    const data = JSON.parse(/<script type="application\/json" id="prof-data">(.*?)<\/script>/s.exec(html)![1]!);
    const frames = data.frames as [string, string, number, number, number, string][];
    const lib = frames.find((f) => f[0] === 'hydrateRows');
    expect(lib?.[1]).toBe(fixture.library);
    expect(lib?.[4]).toBe(1); // KIND_CODES: 'library'
    expect(lib?.[5]).toBe('fake-orm');
  });
});

describe('maps are read only for reports that are rendered', () => {
  it('a report nobody renders reads no map', async () => {
    const fixture = keep(compileWithBadMap(false));
    const mod = fixture.load();
    const logger = quietLogger();
    const report = await profile(() => mod.crunchOrderTotals(80), { interval: 500, logger });
    expect(logger.warnings).toHaveLength(0);
    report.tree();
    expect(logger.warnings).toHaveLength(1);
    expect(readFileSync(fixture.script, 'utf8')).toContain('gone.js.map');
  });
});
