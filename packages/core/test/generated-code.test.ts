// Code compiled from strings (`new Function`: fast-json-stringify's serialisers, ORM hydrators)
// has no script: it folds with the library that made it instead of breaking the library's run.
// Real sampler, a real package folder under node_modules.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profile } from '@prof/core';

const dir = mkdtempSync(path.join(tmpdir(), 'prof-generated-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A "serialiser" library that compiles a function per schema, as fast-json-stringify does, and
// calls back into app code (a toJSON) from the generated code.
const lib = path.join(dir, 'node_modules', 'fake-serializer');
mkdirSync(lib, { recursive: true });
writeFileSync(path.join(lib, 'package.json'), '{"name":"fake-serializer","version":"1.0.0","main":"index.js"}');
writeFileSync(
  path.join(lib, 'index.js'),
  `exports.build = function build() {
  const inner = new Function('row', 'toJSON', 'let s = 0; for (let i = 0; i < 50; i++) s += toJSON(row, i); return s;');
  const outer = new Function('rows', 'toJSON', 'inner', 'let t = 0; for (const r of rows) t += inner(r, toJSON); return t;');
  return function serialize(rows, toJSON) { return outer(rows, toJSON, inner); };
};\n`,
);
const app = path.join(dir, 'app.js');
// toJSON's body is kept above V8's inlining budget (460 bytes of bytecode): V8 13.6 (Node 24) drops
// the inlined frames of a function inlined into scriptless code, so an inlined toJSON would be
// reported as the generated code's self time there (Node 22 and 26 keep it). Real serialisers'
// callbacks are seldom that small; this test is about folding, not about V8's inlining.
const steps = Array.from({ length: 40 }, (_, j) => `x += (row * k + i + ${j}) % ${7 + j};`).join(' ');
writeFileSync(
  app,
  `exports.toJSON = function toJSON(row, i) { let x = 0; for (let k = 0; k < 10; k++) { ${steps} } return x; };\n`,
);

describe('generated code (new Function)', () => {
  it('is folded into the run of the library that made it, and named in the group', async () => {
    const req = createRequire(import.meta.url);
    const { build } = req(path.join(lib, 'index.js'));
    const { toJSON } = req(app);
    const serialize = build();
    const rows = Array.from({ length: 200 }, (_, i) => i);
    const report = await profile(
      function handler() {
        const end = Date.now() + 150;
        let n = 0;
        while (Date.now() < end) n += serialize(rows, toJSON);
        return n;
      },
      { interval: 500 },
    );
    const text = report.text({ color: false });
    // No line of its own for the generated functions: they sit inside the library's fold.
    expect(text).not.toMatch(/^[│├└─ ]*\d\.\d{3} \(?anonymous\)? {2}$/m);
    expect(text).toMatch(/serialize {2}.*fake-serializer.*\n.*\[\d+ frames? hidden\] {2}.*generated code/);
    expect(text).toMatch(/toJSON {2}.*app\.js:1/);
    // With every frame shown they are there, marked as generated code.
    const all = JSON.parse(report.json());
    const found: { kind: string; library?: string }[] = [];
    type Node = { function: string; file: string; kind: string; library?: string; children: Node[] };
    const walk = (n: Node): void => {
      // V8 names `new Function` code `anonymous` or leaves it unnamed; it has no script.
      if (n.file === '' && /^\(?anonymous/.test(n.function)) found.push(n);
      for (const c of n.children) walk(c);
    };
    walk(all.tree);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => f.kind === 'library' && f.library === 'generated code')).toBe(true);
  });
});
