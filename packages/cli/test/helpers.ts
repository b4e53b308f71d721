// Shared by the CLI's test files: the real `prof` bin (dist/cli.js) in a real child process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../../..');
export const bin = path.join(repo, 'packages/cli/dist/cli.js');
export const fixture = (name: string): string => path.join(here, 'fixtures', name);
export const randomSum = 'examples/cli/random-sum.js';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  node?: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/** `prof args…` with this test file's own PROF_DATA_DIR unless `env` gives one. */
export function runProf(args: string[], { node = process.execPath, cwd = repo, env = {} }: RunOptions = {}): Run {
  const r = spawnSync(node, [bin, ...args], {
    cwd,
    input: '',
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PROF_DATA_DIR: temp.dataDir, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
  });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A temporary folder per test file (`temp.dir`), with `temp.dataDir` for sessions; removed afterwards. */
export const temp = { dir: '', dataDir: '' };

export function useTempDir(): void {
  beforeAll(() => {
    // Fail, never skip, when the CLI was not built: `turbo run build --filter=@prof/cli...`.
    expect(fs.existsSync(bin), `${bin} is missing: build @prof/cli (and @prof/core) first`).toBe(true);
    temp.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-cli-test-'));
    temp.dataDir = path.join(temp.dir, 'sessions');
  });
  afterAll(() => {
    fs.rmSync(temp.dir, { recursive: true, force: true });
  });
}
