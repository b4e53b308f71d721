import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fillRenderOptions, type RenderOptions } from '../src/options.js';
import type { ReportMeta } from '../src/report.js';
import { renderJson } from '../src/render/json.js';
import { renderText } from '../src/render/text.js';
import type { Samples } from '../src/samples.js';
import { buildCallTree, type CallNode } from '../src/tree/build.js';
import { FrameClassifier } from '../src/tree/frames.js';
import { buildView, makeHidePredicate, type ViewNode } from '../src/tree/view.js';

// Pure tree/render code, run on real V8 samples of real Express requests recorded once
// (packages/core/test/fixtures/record.mjs); no sampler runs here.
function load(name: string): { samples: Samples; meta: ReportMeta } {
  const raw = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8'));
  const s = raw.samples;
  return {
    meta: raw.meta,
    samples: {
      ...s,
      stacks: Int32Array.from(s.stacks),
      timestamps: Float64Array.from(s.timestamps),
      weights: Float64Array.from(s.weights),
    },
  };
}

const classifier = new FrameClassifier('/app');
const cpu = load('express-cpu');
const io = load('express-io');

function render(fixture: { samples: Samples; meta: ReportMeta }, opts: RenderOptions = {}): string {
  const root = buildCallTree(fixture.samples, classifier);
  const o = fillRenderOptions({ color: false, ...opts });
  return renderText(
    buildView(
      root,
      o,
      makeHidePredicate(o, (u) => classifier.pathOf(u)),
    ),
    fixture.meta,
    o,
  );
}

function names(node: CallNode, out: string[] = []): string[] {
  out.push(node.frame.name);
  for (const c of node.children) names(c, out);
  return out;
}

function walk(nodes: ViewNode[], fn: (n: ViewNode) => void): void {
  for (const n of nodes) {
    fn(n);
    walk(n.children, fn);
  }
}

describe('call tree from recorded real profiles', () => {
  it('sums every sample weight into the root and keeps totals consistent', () => {
    const root = buildCallTree(cpu.samples, classifier);
    const weights = cpu.samples.weights.reduce((a, b) => a + b, 0);
    expect(root.total).toBeCloseTo(weights, 3);
    const check = (n: CallNode): void => {
      const kids = n.children.reduce((a, c) => a + c.total, 0);
      expect(n.total).toBeCloseTo(n.self + kids, 3);
      n.children.forEach(check);
    };
    check(root);
  });

  it("removes V8's (root) and prof's own frames, keeping their callees", () => {
    const all = names(buildCallTree(cpu.samples, classifier));
    expect(all).not.toContain('(root)');
    expect(all).not.toContain('profMiddleware');
    expect(all).toContain('cpuRoute');
    expect(all).toContain('getSumOfList');
    // The raw samples did hold the middleware frame.
    expect(cpu.samples.frames.some((f) => f.functionName === 'profMiddleware')).toBe(true);
  });

  it('classifies app, library and node frames', () => {
    const byName = new Map(cpu.samples.frames.map((f) => [f.functionName, classifier.info(f)]));
    expect(byName.get('getSumOfList')).toMatchObject({ kind: 'app', file: 'examples/shared/work.mjs' });
    expect(byName.get('handleRequest')?.library ?? byName.get('handle')?.library).toMatch(/^(router|express)$/);
    const nodeFrame = cpu.samples.frames.find((f) => f.url.startsWith('node:_http'));
    expect(classifier.info(nodeFrame!)).toMatchObject({
      kind: 'library',
      library: expect.stringMatching(/^node:_http/),
    });
  });
});

describe('text rendering of recorded real profiles', () => {
  it("follows pyinstrument's layout: header, time-first lines, branches, file:line", () => {
    const text = render(cpu);
    expect(text).toContain('Recorded:');
    expect(text).toMatch(/Samples:\s+\d+/);
    expect(text).toMatch(/Duration: \d\.\d{3}\s+CPU time: \d\.\d{3}/);
    expect(text).toContain('Request: GET /cpu?n=4000000 → 200');
    expect(text).toMatch(/^\d\.\d{3} \[\d+ frames? hidden\] {2}.*express/m);
    expect(text).toMatch(/^[│ ]*[├└]─ \d\.\d{3} cpuRoute {2}examples\/express\/app\.mjs:\d+$/m);
    expect(text).toMatch(/[├└]─ \d\.\d{3} getSumOfList {2}examples\/shared\/work\.mjs:\d+/);
    expect(text).toMatch(/[├└]─ \d\.\d{3} \[self\]/);
    // No colour codes unless asked for.
    expect(text).not.toContain('\u001b[');
    expect(render(cpu, { color: true })).toMatch(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`));
  });

  it('shows library frames with showAll and folds them otherwise', () => {
    const folded = render(cpu);
    const all = render(cpu, { showAll: true });
    expect(folded).not.toMatch(/handleRequest|Layer\.handle/);
    expect(all).toMatch(/handleRequest|Layer\.handle/);
    expect(all).not.toContain('frames hidden');
    expect(all.split('\n').length).toBeGreaterThan(folded.split('\n').length);
  });

  it('drops frames under filterThreshold', () => {
    const root = buildCallTree(cpu.samples, classifier);
    for (const threshold of [0.01, 0.1]) {
      const o = fillRenderOptions({ filterThreshold: threshold, showAll: true });
      const view = buildView(
        root,
        o,
        makeHidePredicate(o, (u) => classifier.pathOf(u)),
      );
      walk(view.roots, (n) => expect(n.time).toBeGreaterThanOrEqual(root.total * threshold));
    }
    expect(render(cpu, { showAll: true, filterThreshold: 0 }).split('\n').length).toBeGreaterThan(
      render(cpu, { showAll: true, filterThreshold: 0.2 }).split('\n').length,
    );
  });

  it('lets hide and show globs override the library test', () => {
    const hidden = render(cpu, { hide: ['**/shared/work.mjs'] });
    // The entry into a hidden group keeps its name; what it calls inside the group is folded.
    expect(render(cpu)).toContain('randint');
    expect(hidden).not.toContain('randint');
    expect(hidden).toMatch(/\[\d+ frames? hidden\] {2}examples\/shared\/work\.mjs/);
    const shown = render(cpu, { show: ['router'] });
    expect(shown).toMatch(/handleRequest|Layer\.handle|handle/);
  });

  it('uses ASCII branches and percentages when asked', () => {
    const text = render(cpu, { unicode: false, time: 'percent' });
    expect(text).not.toMatch(/[├└│]/);
    expect(text).toMatch(/^(\| {2}| {3})*[|`]- \d+\.\d% cpuRoute/m);
    expect(text).toMatch(/^\d+\.\d% \[\d+ frames? hidden\]/m);
  });

  it('names idle time plainly in an async request', () => {
    const text = render(io);
    expect(text).toMatch(/^\d\.\d{3} \[idle\]/m);
    expect(text).toContain('fetchOrders');
  });
});

describe('text rendering of a hand-built view (stub data, pure render code)', () => {
  it('says "1 frame hidden" in the singular', () => {
    const frame = {
      name: 'emit',
      url: 'node:events',
      file: 'node:events',
      line: 1,
      column: 1,
      kind: 'native' as const,
    };
    const leaf = { name: 'handler', url: 'file:///app/a.js', file: 'a.js', line: 3, column: 1, kind: 'app' as const };
    const o = fillRenderOptions({ color: false });
    const text = renderText(
      {
        total: 1000,
        roots: [
          {
            kind: 'group',
            frame: { ...frame, library: undefined },
            time: 1000,
            self: 0,
            hidden: { count: 1, libraries: ['node:events'] },
            children: [{ kind: 'frame', frame: { ...leaf, library: undefined }, time: 1000, self: 1000, children: [] }],
          },
        ],
      },
      { ...cpu.meta },
      o,
    );
    expect(text).toContain('[1 frame hidden]  node:events');
    expect(text).not.toContain('1 frames');
  });
});

describe('JSON rendering of recorded real profiles', () => {
  it('holds metadata and the full tree in milliseconds', () => {
    const root = buildCallTree(cpu.samples, classifier);
    const json = JSON.parse(renderJson(root, cpu.meta, 0.01));
    expect(json.schema).toBe('prof.report/1');
    expect(json.meta).toMatchObject({ method: 'GET', status: 200, route: '/cpu', sampler: expect.any(String) });
    expect(json.tree.time).toBeCloseTo(root.total / 1000, 2);
    const find = (n: { function: string; children: unknown[] }, name: string): unknown =>
      n.function === name ? n : (n.children as (typeof n)[]).map((c) => find(c, name)).find(Boolean);
    expect(find(json.tree, 'getSumOfList')).toMatchObject({ file: 'examples/shared/work.mjs', kind: 'app' });
    expect(find(json.tree, 'handleRequest') ?? find(json.tree, 'handle')).toMatchObject({ kind: 'library' });
  });
});
