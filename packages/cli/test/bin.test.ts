// The `prof` bin as the README runs it: `npx prof examples/cli/random-sum.js` in this workspace.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomSum, repo, temp, useTempDir } from './helpers.js';

useTempDir();

describe('the prof bin, as the README runs it', () => {
  const linked = path.join(repo, 'node_modules/.bin/prof');

  it('is linked into the workspace by install (its target is a committed file, not dist/)', () => {
    // pnpm skips a bin whose target is missing at install time, as dist/ is in a fresh clone.
    const pkg = JSON.parse(fs.readFileSync(path.join(repo, 'packages/cli/package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const target = path.join(repo, 'packages/cli', pkg.bin.prof!);
    expect(path.relative(repo, target)).toBe(path.join('packages', 'cli', 'bin', 'prof.js'));
    expect(spawnSync('git', ['ls-files', '--error-unmatch', target], { cwd: repo }).status).toBe(0);
    expect(fs.existsSync(linked), `${linked} is missing: run pnpm install`).toBe(true);
    expect(fs.readFileSync(linked, 'utf8')).toContain('@prof/cli/bin/prof.js');
  });

  it('`npx --no prof examples/cli/random-sum.js` finds the linked bin and prints the report', () => {
    const r = spawnSync('npx', ['--no', 'prof', randomSum, '100000'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PROF_DATA_DIR: temp.dataDir, NO_COLOR: '1', FORCE_COLOR: undefined },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Program: ${randomSum} 100000\n`);
    expect(r.stderr).toMatch(/ getSumOfList {2}examples\/cli\/random-sum\.js:14\n/);
    expect(r.stderr).toMatch(/prof --load-prev \S+ \[options\]/);
  });

  it('says to build first, exit 1, when dist/ is missing', () => {
    const pkgDir = path.join(temp.dir, 'unbuilt-cli');
    fs.mkdirSync(path.join(pkgDir, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(repo, 'packages/cli/package.json'), path.join(pkgDir, 'package.json'));
    fs.copyFileSync(path.join(repo, 'packages/cli/bin/prof.js'), path.join(pkgDir, 'bin/prof.js'));
    const r = spawnSync(process.execPath, [path.join(pkgDir, 'bin/prof.js'), randomSum], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('prof: @prof/cli is not built');
    expect(r.stderr).toContain('npm run demo');
  });
});
