// Source maps: what locating a kept report's frames through source maps costs. Two real
// recordings; for each, the time a fresh Report takes to locate its frames (first read of
// `report.samples`, which tree() and every format start from): with no map read yet (the
// process's first report: maps read and parsed) and with maps cached (every later report,
// median of 15), beside the time to build the report's call tree without maps, for scale.
// Each measurement runs in a fresh process (the map cache is process-wide).
//   app:    the NestJS example's ArticleService (tsc, one .js.map per file), as `nest build` makes it
//   bundle: TypeScript's compiler bundled and minified by esbuild into one file (3.4 MB of code,
//           a 14 MB map), transpiling a module: the worst case, one large map
// Prints one JSON line.
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(import.meta.url);
const ROUNDS = Number(process.env.BENCH_SOURCEMAP_ROUNDS ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function record(scenario) {
  const { profile } = await import('@prof/core');
  if (scenario === 'app') {
    const dist = new URL('../examples/nestjs/dist/articles/', import.meta.url);
    const { ArticleService } = await import(new URL('article.service.js', dist).href);
    const { ArticleRepository } = await import(new URL('article.repository.js', dist).href);
    const service = new ArticleService(new ArticleRepository());
    const report = await profile(async () => {
      for (let i = 0; i < 20; i++) await service.findAll('node cpu loop', 10);
    });
    return { report, map: new URL('article.service.js.map', dist) };
  }
  const dir = path.join(tmpdir(), 'prof-bench-sourcemaps');
  const bundle = path.join(dir, 'typescript.min.js');
  const { transpileModule } = createRequire(bundle)(bundle);
  const source = Array.from({ length: 200 }, (_, i) => `export const f${i} = (x: number): number => x * ${i};`).join(
    '\n',
  );
  const report = await profile(() => {
    for (let i = 0; i < 30; i++) transpileModule(source, { compilerOptions: { module: 1 } });
  });
  return { report, map: pathToFileURL(`${bundle}.map`) };
}

async function child(scenario) {
  const { Report } = await import('@prof/core');
  const { report, map } = await record(scenario);
  const samples = report.recorded;
  // The mapping alone: a fresh Report's first read of `samples` (what tree() and every format start from).
  const locate = () => {
    const r = new Report(samples, report.meta, {}, false, { logger: { warn: () => undefined } });
    globalThis.gc?.(); // a parsed map dropped by the cache budget is garbage: not this run's cost
    const t0 = performance.now();
    void r.samples;
    return { ms: performance.now() - t0, report: r };
  };
  const tree = () => {
    const r = new Report(samples, report.meta, {}, false, { sourceMaps: false });
    globalThis.gc?.();
    const t0 = performance.now();
    r.tree();
    return performance.now() - t0;
  };
  const cold = locate();
  const warm = { ms: median(Array.from({ length: 15 }, () => locate().ms)) };
  const off = { ms: median(Array.from({ length: 15 }, tree)) };
  const mapped = cold.report.samples.frames.filter((f, i) => f !== samples.frames[i]).length;
  console.log(
    JSON.stringify({
      offMs: off.ms,
      coldMs: cold.ms,
      warmMs: warm.ms,
      frames: samples.frames.length,
      mapped,
      mapBytes: statSync(map).size,
      samples: samples.stacks.length,
    }),
  );
}

function prepareBundle() {
  const dir = path.join(tmpdir(), 'prof-bench-sourcemaps');
  mkdirSync(dir, { recursive: true });
  const require = createRequire(here);
  const entry = path.join(dir, 'entry.cjs');
  writeFileSync(entry, `module.exports = require(${JSON.stringify(require.resolve('typescript'))});\n`);
  require('esbuild').buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    sourcemap: true,
    platform: 'node',
    format: 'cjs',
    outfile: path.join(dir, 'typescript.min.js'),
    logLevel: 'silent',
  });
}

if (process.argv[2] === 'child') await child(process.argv[3]);
else {
  prepareBundle();
  const out = {};
  for (const scenario of ['app', 'bundle']) {
    const runs = [];
    for (let r = 0; r < ROUNDS; r++) {
      runs.push(
        JSON.parse(execFileSync(process.execPath, ['--expose-gc', here, 'child', scenario], { encoding: 'utf8' })),
      );
    }
    const m = (k) => median(runs.map((x) => x[k]));
    out[scenario] = {
      samples: m('samples'),
      frames: m('frames'),
      mapped: m('mapped'),
      mapBytes: m('mapBytes'),
      treeMs: m('offMs'),
      coldMs: m('coldMs'),
      warmMs: m('warmMs'),
    };
  }
  console.log(JSON.stringify(out));
}
