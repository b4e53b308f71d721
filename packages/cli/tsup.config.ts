import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const common: Options = {
  sourcemap: true,
  target: 'node20',
  external: ['@prof/core', 'commander'],
  // env-paths 3 is ESM-only: bundled, so the CJS build loads on Node 20 (no require(esm) there).
  noExternal: ['env-paths'],
  define: { __PROF_CLI_VERSION__: JSON.stringify(version) },
  shims: true,
};

// dist/ is emptied by the build script, not here: the three configs run concurrently.
export default defineConfig([
  // The library entry (main() and the session helpers), ESM + CJS with types.
  { ...common, entry: ['src/index.ts'], format: ['esm', 'cjs'], dts: true },
  // The `prof` bin.
  { ...common, entry: ['src/cli.ts'], format: ['esm'], banner: { js: '#!/usr/bin/env node' } },
  // Injected into the profiled program with node --require: CommonJS, so a CommonJS program is
  // not pushed through the ESM loader (whose frames would then top every tree).
  { ...common, entry: ['src/preload.ts'], format: ['cjs'] },
]);
