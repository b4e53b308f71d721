// Vitest global setup: the NestJS example is TypeScript built by tsc (decorator metadata, source
// maps), so the e2e suites load its dist/; build it when its sources are newer than the build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const NEST_EXAMPLE = fileURLToPath(new URL('../examples/nestjs/', import.meta.url));

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Runs tsc on examples/nestjs unless dist/ is newer than every input. */
export function buildNestExample(): void {
  const info = path.join(NEST_EXAMPLE, 'dist', 'tsconfig.build.tsbuildinfo');
  const inputs = [
    newest(path.join(NEST_EXAMPLE, 'src')),
    ...['tsconfig.json', 'tsconfig.build.json', '../shared/work.d.mts'].map(
      (f) => statSync(path.join(NEST_EXAMPLE, f)).mtimeMs,
    ),
  ];
  const built = existsSync(info) && existsSync(path.join(NEST_EXAMPLE, 'dist', 'app.module.js'));
  if (built && statSync(info).mtimeMs >= Math.max(...inputs)) return;
  const tsc = createRequire(path.join(NEST_EXAMPLE, 'package.json')).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: NEST_EXAMPLE, stdio: 'inherit' });
}

export default function setup(): void {
  buildNestExample();
}
