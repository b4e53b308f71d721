import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Report, type ReportMeta, type Samples, SamplesBuilder, type ViewNode } from '@prof/core';
import { location } from '../src/render/format.js';
import { buildHtmlData } from '../src/render/html/data.js';
import { VIEWER_JS } from '../src/render/html/viewer.generated.js';
import { DASHBOARD_JS } from '../src/render/html/dashboard.generated.js';
import { buildRows, callTree, labelOf, locationOf, type Row } from '../src/render/html/viewer/tree-model.js';
import { visibleRows } from '../src/render/html/viewer/tree-search.js';

// The viewer's tree model (the browser's folding) against core's tree passes (report.view(),
// the reference `report.text()` prints), on the same samples: pure code, no browser, no sampler.

/** Real V8 samples of Express requests (test/fixtures/record.mjs), weights in whole µs as the HTML data has them. */
function recorded(name: string): Report {
  const raw = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
  const s = raw.samples;
  const samples: Samples = {
    ...s,
    stacks: Int32Array.from(s.stacks),
    timestamps: Float64Array.from(s.timestamps),
    weights: Float64Array.from(s.weights, Math.round),
  };
  return new Report(samples, raw.meta as ReportMeta);
}

const meta: ReportMeta = {
  id: 'fixture',
  method: 'GET',
  path: '/orders',
  startedAt: new Date(0).toISOString(),
  duration: 1,
  cpuTime: 1,
  sampleCount: 1,
  interval: 1000,
  sampler: 'native',
  truncated: false,
};

/**
 * Library runs reached through different paths (they merge), a library group at the top with
 * app code below it, a one-frame library call, `[self]` lines, lines under the 1% threshold and
 * root-only samples.
 */
function synthetic(): Report {
  const cwd = process.cwd();
  const b = new SamplesBuilder();
  const fr = (name: string, url: string, line = 1): number =>
    b.frame({ functionName: name, url, lineNumber: line, columnNumber: 1 });
  const app = (f: string): string => pathToFileURL(`${cwd}/src/${f}`).href;
  const lib = (p: string): string => pathToFileURL(`${cwd}/node_modules/${p}/index.js`).href;
  const f = {
    // A timer callback, not a microtask runner: report-time stitching drops microtask runners (tree/async.ts).
    tick: fr('listOnTimeout', 'node:internal/timers', 594),
    emit: fr('emit', 'node:events', 517),
    handle: fr('handle', lib('express'), 120),
    next: fr('next', lib('express'), 280),
    json: fr('jsonParser', lib('body-parser'), 90),
    route: fr('getOrders', app('routes.js'), 12),
    sum: fr('sumLines', app('totals.js'), 44),
    map: fr('map', lib('lodash'), 300),
    each: fr('forEach', lib('lodash'), 200),
    tiny: fr('tiny', app('tiny.js'), 3),
    gc: fr('(garbage collector)', ''),
  };
  const path = (...frames: number[]): number => frames.reduce((s, fi) => b.stack(s, fi), -1);
  const plan: [number, number][] = [
    [path(f.tick, f.emit, f.handle, f.next, f.json, f.route, f.sum), 120],
    [path(f.tick, f.emit, f.handle, f.next, f.route, f.sum), 30],
    [path(f.tick, f.emit, f.handle, f.route), 8],
    [path(f.tick, f.emit, f.handle, f.next, f.json, f.route, f.map, f.sum), 45],
    [path(f.tick, f.emit, f.handle, f.next, f.json, f.route, f.map, f.each, f.sum), 25],
    [path(f.tick, f.emit, f.handle, f.next, f.json, f.route, f.map), 9],
    // Under 1% on each hidden path, over it merged: core merges first, so one line.
    [path(f.tick, f.emit, f.handle, f.next, f.json, f.route, f.tiny), 2],
    [path(f.tick, f.emit, f.handle, f.next, f.route, f.tiny), 2],
    [path(f.tick, f.emit, f.handle, f.next, f.json, f.route), 6],
    [path(f.tick, f.emit, f.handle), 4],
    [path(f.emit, f.handle, f.route, f.sum), 20],
    [path(f.gc), 10],
    // Nothing but V8's root on the stack: part of the total, no line in core's tree.
    [-1, 5],
  ];
  let t = 0;
  for (const [stack, n] of plan) for (let i = 0; i < n; i++) b.sample(stack, (t += 1000));
  return new Report(b.build(0, t, 1000), meta);
}

interface Line {
  depth: number;
  text: string;
  time: number;
  hidden?: { count: number; libraries: string[] };
}

function coreLines(nodes: ViewNode[], depth = 0, out: Line[] = []): Line[] {
  for (const n of nodes) {
    // As render/text.ts prints a line.
    const text =
      n.kind === 'group'
        ? `[${n.hidden?.count} frames hidden]`
        : `${n.frame.name} ${location(n.frame.file, n.frame.line)}`;
    out.push({ depth, text: text.trim(), time: n.time, ...(n.hidden ? { hidden: n.hidden } : {}) });
    coreLines(n.children, depth + 1, out);
  }
  return out;
}

function viewerLines(report: Report, showAll: boolean): { lines: Line[]; roots: Row[] } {
  const tree = callTree(buildHtmlData(report.stacks(), report.meta));
  const roots = buildRows(tree, { threshold: 0.01, showAll });
  const lines = visibleRows(tree, roots, () => true, '').map((r) => ({
    depth: r.depth,
    text: `${labelOf(tree, r)} ${locationOf(tree, r)}`.trim(),
    time: r.time,
    ...(r.hidden ? { hidden: r.hidden } : {}),
  }));
  return { lines, roots };
}

describe('HTML viewer tree model (pure, no DOM) agrees with core', () => {
  const fixtures: [string, () => Report][] = [
    ['synthetic library paths', synthetic],
    ['recorded Express CPU request', () => recorded('express-cpu')],
    ['recorded Express I/O request', () => recorded('express-io')],
  ];
  for (const [name, make] of fixtures) {
    it(`${name}: the same lines at the default threshold, folded and with library frames shown`, () => {
      const report = make();
      const folded = coreLines(report.view().roots);
      expect(folded.some((l) => l.text === '[self]' && l.depth === 0)).toBe(false);
      expect(folded.some((l) => l.hidden)).toBe(true);
      expect(viewerLines(report, false).lines).toEqual(folded);
      const all = coreLines(report.view({ showAll: true }).roots);
      expect(all.some((l) => l.hidden)).toBe(false);
      expect(all.length).toBeGreaterThan(folded.length);
      expect(viewerLines(report, true).lines).toEqual(all);
    });
  }

  it('merges the same function reached through different hidden paths, as core does', () => {
    const { lines } = viewerLines(synthetic(), false);
    // getOrders under the first top group: through body-parser, through express alone and straight from
    // handle; the second group (entered at emit, other libraries) is another line.
    expect(lines.filter((l) => l.text.startsWith('getOrders')).map((l) => [l.depth, l.time])).toEqual([
      [1, 247_000],
      [1, 20_000],
    ]);
    expect(lines[0]).toMatchObject({ text: '[5 frames hidden]', hidden: { count: 5 } });
    expect(lines[0]!.hidden!.libraries).toEqual(['node:internal', 'node:events', 'express', 'body-parser']);
  });

  it('a revealed folded line shows its hidden library frames; the rest stays folded', () => {
    const report = synthetic();
    const tree = callTree(buildHtmlData(report.stacks(), report.meta));
    const folded = buildRows(tree, { threshold: 0.01, showAll: false });
    const mapLine = visibleRows(tree, folded, () => true, '').find((r) => labelOf(tree, r) === 'map')!;
    expect(mapLine.hidden).toEqual({ count: 1, libraries: ['lodash'] });
    const names = (rows: Row[]): string[] => rows.map((r) => labelOf(tree, r));
    expect(names(mapLine.children)).toEqual(['sumLines', '[self]']);
    const revealed = buildRows(tree, { threshold: 0.01, showAll: false, revealed: new Set([mapLine.key]) });
    const shown = visibleRows(tree, revealed, () => true, '');
    const again = shown.find((r) => r.key === mapLine.key)!;
    expect(names(again.children)).toEqual(['sumLines', 'forEach', '[self]']);
    expect(again.children.reduce((a, r) => a + r.time, 0)).toBe(again.time);
    expect(shown[0]!.kind).toBe('group');
  });

  it('search keeps only lines leading to a match and opens them', () => {
    const report = synthetic();
    const tree = callTree(buildHtmlData(report.stacks(), report.meta));
    const rows = buildRows(tree, { threshold: 0.01, showAll: false });
    const shown = visibleRows(tree, rows, () => false, 'foreach');
    expect(shown.map((r) => labelOf(tree, r))).toEqual([]);
    const lodash = visibleRows(tree, rows, () => false, 'lodash').map((r) => labelOf(tree, r));
    expect(lodash).toEqual(['[5 frames hidden]', 'getOrders', 'map']);
  });
});

describe('HTML viewer bundle', () => {
  it('the committed viewer.generated.ts is the bundle of the current viewer sources', async () => {
    const script = new URL('../scripts/bundle-viewer.mjs', import.meta.url).href;
    const { bundleViewer, GENERATED } = (await import(script)) as {
      bundleViewer: () => Promise<string>;
      GENERATED: string;
    };
    const committed = readFileSync(GENERATED, 'utf8');
    if (committed !== (await bundleViewer()))
      expect.fail('viewer.generated.ts is stale: run `node packages/core/scripts/bundle-viewer.mjs` and commit it');
    expect(VIEWER_JS).toMatch(/^"use strict";\(\(\)=>\{/);
    expect(VIEWER_JS).not.toMatch(/<\/script|<!--|[\u2028\u2029]/i);
  });

  it('the committed dashboard.generated.ts is the bundle of the current dashboard sources', async () => {
    const script = new URL('../scripts/bundle-viewer.mjs', import.meta.url).href;
    const { bundleDashboard, DASHBOARD_GENERATED } = (await import(script)) as {
      bundleDashboard: () => Promise<string>;
      DASHBOARD_GENERATED: string;
    };
    const committed = readFileSync(DASHBOARD_GENERATED, 'utf8');
    if (committed !== (await bundleDashboard()))
      expect.fail('dashboard.generated.ts is stale: run `node packages/core/scripts/bundle-viewer.mjs` and commit it');
    expect(DASHBOARD_JS).toMatch(/^"use strict";\(\(\)=>\{/);
    expect(DASHBOARD_JS).not.toMatch(/<\/script|<!--|[\u2028\u2029]/i);
  });
});
