// How node runs a TypeScript program: its own type stripping where it has it, else the project's tsx.
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './program.js';

const TS_FILE = /\.(?:[cm]?ts|tsx)$/i;
// A loader the user already gives with --import/--require: prof adds none of its own.
const TS_LOADER = /(?:^|[/\\@])(?:tsx|ts-node|esbuild-register|@swc-node|@babel\/register)(?:$|[/\\])/;

/** Node's type stripping: on by default from 22.18 and 23.6, behind a flag from 22.6. */
export function typeStripping(version: string): 'default' | 'flag' | 'none' {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)) return 'default';
  if (major === 23 || (major === 22 && minor >= 6)) return 'flag';
  return 'none';
}

/** tsx's loader as installed in the script's project (or the working directory's), as a file URL. */
export function findTsx(script: string, cwd = process.cwd()): string | undefined {
  for (const from of [path.dirname(path.resolve(cwd, script)), cwd]) {
    try {
      return pathToFileURL(createRequire(path.join(from, 'noop.js')).resolve('tsx')).href;
    } catch {
      // Not installed there.
    }
  }
  return undefined;
}

/**
 * The node arguments that let `script` run: none for JavaScript, for a TypeScript file given no
 * loader of the user's, node's type stripping where this node has it (not for .tsx), else
 * `--import <the project's tsx>`; with neither, a UsageError naming both ways.
 */
export function typeScriptArgs(
  script: string,
  loaders: string[],
  version = process.versions.node,
  tsx: () => string | undefined = () => findTsx(script),
): string[] {
  if (!TS_FILE.test(script) || loaders.some((m) => TS_LOADER.test(m))) return [];
  const stripping = /\.tsx$/i.test(script) ? 'none' : typeStripping(version);
  if (stripping === 'default') return [];
  if (stripping === 'flag') return ['--experimental-strip-types'];
  const loader = tsx();
  if (loader) return ['--import', loader];
  const node = /\.tsx$/i.test(script)
    ? 'Node runs no .tsx files itself'
    : `Node ${version} does not run TypeScript itself (Node >= 22.6 does)`;
  throw new UsageError(
    `prof: cannot run ${path.basename(script)}: ${node} and tsx is not installed in this project. ` +
      'Install it (npm install --save-dev tsx) and prof uses it, or pass --import <loader>' +
      (/\.tsx$/i.test(script) ? '' : ', or use Node >= 22.18 (22.6: prof adds --experimental-strip-types)'),
  );
}
