// The real `prof` bin (packages/cli/dist/cli.js, built by `turbo run build`) running real scripts
// in real child processes, with saved sessions in a temporary PROF_DATA_DIR.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OUTPUT_FORMATS, type OutputFormat } from '@prof/core';
import { KEEP_SESSIONS, listSessions, loadPrevious, saveSession } from '../src/sessions.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const bin = path.join(repo, 'packages/cli/dist/cli.js');
const fixture = (name: string): string => path.join(here, 'fixtures', name);
const randomSum = 'examples/cli/random-sum.js';

let dataDir: string;
let tmp: string;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function prof(args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: repo,
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PROF_DATA_DIR: dataDir, NO_COLOR: '1', FORCE_COLOR: undefined, ...env },
  });
  if (r.error) throw r.error;
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The id in the report's last lines: `prof --load-prev <ID> [options]`. */
function sessionId(stderr: string): string {
  const m = /To view this report with different options, run:\n\s+prof --load-prev (\S+) \[options\]/.exec(stderr);
  if (!m) throw new Error(`no --load-prev hint in:\n${stderr}`);
  return m[1]!;
}

/** Tree lines (after the header), without the hint. */
function treeLines(stderr: string): string[] {
  const start = stderr.indexOf('Program:');
  const end = stderr.indexOf('To view this report');
  return stderr
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '');
}

beforeAll(() => {
  // Fail, never skip, when the CLI was not built: `turbo run build --filter=@prof/cli...`.
  expect(fs.existsSync(bin), `${bin} is missing: build @prof/cli (and @prof/core) first`).toBe(true);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-cli-test-'));
  dataDir = path.join(tmp, 'sessions');
});

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('prof script.js', () => {
  let randomSumId = '';

  it("profiles the seed's example: the pyinstrument layout with its functions in the tree", () => {
    const r = prof([randomSum]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Recorded: \d\d:\d\d:\d\d\s+Samples:\s+\d+/);
    expect(r.stderr).toContain(`Program: ${randomSum}\n`);
    const lines = treeLines(r.stderr);
    const getSum = lines.find((l) => / getSumOfList {2}examples\/cli\/random-sum\.js:14$/.test(l));
    const randint = lines.find((l) => / randint {2}examples\/cli\/random-sum\.js:10$/.test(l));
    expect(getSum, r.stderr).toBeDefined();
    expect(randint, r.stderr).toBeDefined();
    // randint is called by getSumOfList: deeper in the tree.
    expect(randint!.search(/\d/)).toBeGreaterThan(getSum!.search(/\d/));
    // Node's module loader is folded like pyinstrument's library frames.
    expect(r.stderr).toMatch(/\[\d+ frames? hidden\] {2}node:internal/);
    // prof's own preload and exit handler are not in the report.
    expect(r.stderr).not.toMatch(/preload|Profiler\.stop|node:inspector/);
    randomSumId = sessionId(r.stderr);
    expect(fs.existsSync(path.join(dataDir, `${randomSumId}.json`))).toBe(true);
  });

  it('--load-prev re-renders the saved run in every registered format', () => {
    expect(randomSumId).not.toBe('');
    const formats = Object.keys(OUTPUT_FORMATS) as OutputFormat[];
    expect(formats).toEqual(expect.arrayContaining(['text', 'json']));
    for (const format of formats) {
      const spec = OUTPUT_FORMATS[format]!;
      const out = path.join(tmp, `again.${spec.ext}`);
      // The renderer is inferred from the extension.
      const r = prof(['--load-prev', randomSumId, '-o', out]);
      expect(r.code, `${format}: ${r.stderr}`).toBe(0);
      expect(r.stderr).toContain(`${format} report written to ${out}`);
      const bytes = fs.readFileSync(out);
      if (format === 'pprof') {
        expect(gunzipSync(bytes).toString('latin1')).toContain('getSumOfList');
      } else {
        const text = bytes.toString('utf8');
        expect(text, format).toContain('getSumOfList');
        if (format === 'json') {
          const report = JSON.parse(text) as { meta: { name: string; id: string } };
          expect(report.meta.name).toBe(randomSum);
          expect(report.meta.id).toBe(randomSumId);
        }
        if (format === 'html') expect(text).toMatch(/^<!doctype html>/i);
        if (format === 'cpuprofile' || format === 'speedscope') expect(() => JSON.parse(text)).not.toThrow();
      }
    }
  });

  it("--load reads back prof's own cpuprofile export, lines and all", () => {
    const out = path.join(tmp, 'roundtrip.cpuprofile');
    expect(prof(['--load-prev', randomSumId, '-r', 'cpuprofile', '-o', out]).code).toBe(0);
    const r = prof(['--load', out]);
    expect(r.code, r.stderr).toBe(0);
    const lines = treeLines(r.stderr);
    expect(
      lines.some((l) => / getSumOfList {2}examples\/cli\/random-sum\.js:14$/.test(l)),
      r.stderr,
    ).toBe(true);
    expect(
      lines.some((l) => / randint {2}examples\/cli\/random-sum\.js:10$/.test(l)),
      r.stderr,
    ).toBe(true);
  });

  it('--load-prev -r html writes HTML to stderr; text options apply to the re-render', () => {
    if (OUTPUT_FORMATS.html) {
      const html = prof(['--load-prev', randomSumId, '-r', 'html']);
      expect(html.code).toBe(0);
      expect(html.stderr).toMatch(/^<!doctype html>/i);
      expect(html.stderr).toContain('getSumOfList');
    }
    const ascii = prof(['--load-prev', randomSumId, '--no-unicode', '-p', 'time=percent', '--show-all']);
    expect(ascii.code).toBe(0);
    expect(ascii.stderr).not.toMatch(/[├└│]/);
    expect(ascii.stderr).toMatch(/\d+\.\d% getSumOfList/);
    // --show-all: Node's loader frames are listed, not folded (Node 22+ names them (anonymous), not Module._compile).
    expect(ascii.stderr).toMatch(/ {2}node:internal\/modules\/cjs\/loader:\d+/);
    expect(ascii.stderr).not.toContain('frames hidden');
  });

  it('--open writes the HTML report to a temporary file and hands it to the opener', async () => {
    expect(OUTPUT_FORMATS.html, 'the html renderer').toBeDefined();
    // A stand-in for xdg-open / open that records what it was asked to open.
    const fakeBin = path.join(tmp, 'fake-bin');
    const opened = path.join(tmp, 'opened.txt');
    fs.mkdirSync(fakeBin, { recursive: true });
    for (const name of ['xdg-open', 'open']) {
      fs.writeFileSync(path.join(fakeBin, name), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`, { mode: 0o755 });
    }
    const r = prof(['--open', '--load-prev', randomSumId], undefined, {
      PATH: `${fakeBin}${path.delimiter}${process.env.PATH ?? ''}`,
    });
    expect(r.code, r.stderr).toBe(0);
    const file = /HTML report written to (\S+)/.exec(r.stderr)?.[1];
    expect(file).toBeDefined();
    // The opener runs detached: wait (bounded) for it.
    for (let i = 0; i < 100 && !fs.existsSync(opened); i++) await new Promise((res) => setTimeout(res, 50));
    expect(fs.readFileSync(opened, 'utf8')).toBe(file);
    expect(fs.readFileSync(file!, 'utf8')).toContain('getSumOfList');

    // No opener on PATH: say where the file is, and still succeed.
    const none = prof(['--open', '--load-prev', randomSumId], undefined, { PATH: path.join(tmp, 'empty-bin') });
    expect(none.code).toBe(0);
    expect(none.stderr).toMatch(/prof: could not start (xdg-open|open); open \S+\.html in a browser/);
  });

  it('runs an ESM script with async work, passing its arguments and options through', () => {
    const r = prof([fixture('async.mjs'), 'one', '--two']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('async done: one,--two\n');
    expect(r.stderr).toContain(`Program: ${fixture('async.mjs')} one --two\n`);
    const lines = treeLines(r.stderr);
    expect(
      lines.some((l) => / spin {2}.*async\.mjs:2$/.test(l)),
      r.stderr,
    ).toBe(true);
    expect(
      lines.some((l) => / fetchLike {2}.*async\.mjs:8$/.test(l)),
      r.stderr,
    ).toBe(true);
  });

  it("keeps a CommonJS program's non-zero exit code and its stderr", () => {
    const r = prof([fixture('exit-code.cjs'), '7']);
    expect(r.code).toBe(7);
    expect(r.stderr).toContain('exiting on purpose');
    expect(
      treeLines(r.stderr).some((l) => / spin {2}.*spin\.cjs:1$/.test(l)),
      r.stderr,
    ).toBe(true);
  });

  it('reports a program that dies of an uncaught exception, with exit code 1', () => {
    const r = prof([fixture('throws.cjs')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error: boom from the program');
    expect(
      treeLines(r.stderr).some((l) => / failLater {2}.*throws\.cjs:2$/.test(l)),
      r.stderr,
    ).toBe(true);
  });

  it("gives the program prof's stdin", () => {
    const r = prof([fixture('stdin.cjs')], 'hello from stdin\n');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('got: HELLO FROM STDIN\n');
    expect(r.stderr).toContain('Program:');
  });

  it('passes --import through to node (tsx runs TypeScript)', () => {
    const r = prof(['--import', 'tsx', fixture('typed.ts')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('typed: true\n');
    expect(r.stderr).toContain(`Program: ${fixture('typed.ts')}`);
    expect(r.stderr).toContain('typed.ts');
  });

  it('-t shows the timeline: phaseA twice around phaseB, where the tree merges them', () => {
    const tree = treeLines(prof([fixture('phases.cjs')]).stderr);
    expect(tree.filter((l) => / phaseA /.test(l))).toHaveLength(1);
    const r = prof(['-t', fixture('phases.cjs')]);
    expect(r.code).toBe(0);
    const order = treeLines(r.stderr)
      .map((l) => / (phase[AB]) /.exec(l)?.[1])
      .filter(Boolean);
    // A long GC pause on a loaded machine may split a phase in two; the order stays.
    const phases = order.filter((p, i) => p !== order[i - 1]);
    expect(phases, r.stderr).toEqual(['phaseA', 'phaseB', 'phaseA']);
  });

  it('says that worker threads and child processes were not profiled', () => {
    const r = prof([fixture('threads.cjs')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('child done\n');
    expect(r.stderr).toContain('the program started 1 worker thread and 1 child process; they were not profiled');
  });

  it('-o writes the report to a file, inferring the renderer from the extension', () => {
    const out = path.join(tmp, 'report.json');
    const r = prof(['-o', out, fixture('exit-code.cjs'), '0']);
    expect(r.code).toBe(0);
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { schema: string; meta: { exitCode: number } };
    expect(report.schema).toBe('prof.report/1');
    expect(report.meta.exitCode).toBe(0);
    expect(r.stderr).not.toContain('Program:');
    expect(r.stderr).toMatch(/prof --load-prev \S+ \[options\]/);
  });

  it('-i sets the sampling interval; --hide folds matching app frames', () => {
    const out = path.join(tmp, 'interval.json');
    const r = prof(['-i', '250', '-o', out, fixture('exit-code.cjs'), '0']);
    expect(r.code).toBe(0);
    expect((JSON.parse(fs.readFileSync(out, 'utf8')) as { meta: { interval: number } }).meta.interval).toBe(250);
    const id = /prof --load-prev (\S+) \[options\]/.exec(r.stderr)![1]!;
    const shown = prof(['--load-prev', id]);
    expect(
      treeLines(shown.stderr).some((l) => / spin {2}.*spin\.cjs:1$/.test(l)),
      shown.stderr,
    ).toBe(true);
    // One hidden frame alone stays visible (as in pyinstrument); the program's two files fold with Node's loader.
    const hidden = prof(['--load-prev', id, '--hide', '**/fixtures/*.cjs']);
    expect(hidden.code).toBe(0);
    expect(
      treeLines(hidden.stderr).some((l) => / spin {2}/.test(l)),
      hidden.stderr,
    ).toBe(false);
    expect(hidden.stderr).toMatch(/frames? hidden\] {2}.*spin\.cjs/);
  });

  it('SIGTERM to prof reaches the program, which is reported and dies of the same signal', async () => {
    const child = spawn(process.execPath, [bin, fixture('forever.cjs')], {
      cwd: repo,
      env: { ...process.env, PROF_DATA_DIR: dataDir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (c, s) => resolve([c, s])),
    );
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the program never said ready')), 30_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d;
        if (stdout.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const [code, signal] = await exited;
    expect(signal ?? code).toBe(code === null ? 'SIGTERM' : 143);
    expect(
      treeLines(stderr).some((l) => / spin {2}.*spin\.cjs:1$/.test(l)),
      stderr,
    ).toBe(true);
    expect(stderr).toMatch(/prof --load-prev \S+ \[options\]/);
  });

  it('prof list shows the saved runs, newest first', () => {
    const r = prof(['list']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    // More than ten runs so far: the oldest were pruned.
    expect(lines).toHaveLength(KEEP_SESSIONS);
    expect(fs.readdirSync(dataDir)).toHaveLength(KEEP_SESSIONS);
    // The last run (SIGTERM above) comes first.
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d(-\d+)? {2}/);
    expect(lines[0]!.endsWith(`  ${fixture('forever.cjs')}`)).toBe(true);
  });
});

describe('prof --load FILE', () => {
  it('renders a .cpuprofile written by node --cpu-prof, with its 0-based lines made 1-based', () => {
    const dir = path.join(tmp, 'cpu-prof');
    const made = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, randomSum], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(made.status).toBe(0);
    const [file] = fs.readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    expect(file).toBeDefined();
    const full = path.join(dir, file!);
    const r = prof(['--load', full]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Program: ${file}`);
    const lines = treeLines(r.stderr);
    expect(
      lines.some((l) => / getSumOfList {2}examples\/cli\/random-sum\.js:14$/.test(l)),
      r.stderr,
    ).toBe(true);
    expect(
      lines.some((l) => / randint {2}examples\/cli\/random-sum\.js:10$/.test(l)),
      r.stderr,
    ).toBe(true);
    expect(r.stderr).toContain(`prof --load ${full} [options]`);
  });

  it('fails with one line on a file that is not a profile', () => {
    const bad = path.join(tmp, 'not-a-profile.json');
    fs.writeFileSync(bad, '{"hello": 1}');
    const r = prof(['--load', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`prof: ${bad} is neither a prof session nor a .cpuprofile\n`);
    const missing = prof(['--load-prev', 'no-such-id']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('bad flags', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown option', ['--bogus'], /^prof: unknown option '--bogus'$/],
    ['bad interval', ['-i', 'fast'], /^prof: option '-i, --interval <µs>' argument 'fast' is invalid/],
    ['interval out of range', ['--interval', '10'], /between 50 and 1000000/],
    ['bad renderer', ['-r', 'pdf'], /argument 'pdf' is invalid\. Allowed choices are text, json/],
    ['bad render option', ['-p', 'colour=true'], /^prof: unknown option `colour`; did you mean `color`\?/],
    ['bad render option value', ['-p', 'time=hours'], /^prof: option `time` must be 'seconds' or 'percent'/],
    ['render option without =', ['-p', 'time'], /^prof: -p expects key=value; got 'time'$/],
    ['two sources', ['--load-prev', 'x', '--load', 'y'], /^prof: give only one of a script/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: exit 2, one line, the program never runs`, () => {
      const marker = path.join(tmp, `ran-${what.replace(/\W+/g, '-')}`);
      const r = prof([...args, fixture('marker.cjs'), marker]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter(Boolean);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(fs.existsSync(marker)).toBe(false);
    });
  }

  it('no script: exit 2 with one line', () => {
    const r = prof([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("prof: give a script to run, --load FILE or --load-prev ID (see 'prof --help')\n");
  });

  it('--help lists every flag and exits 0', () => {
    const r = prof(['--help']);
    expect(r.code).toBe(0);
    for (const flag of [
      '--renderer',
      '--outfile',
      '--interval',
      '--show-all',
      '--hide',
      '--show',
      '--no-unicode',
      '--no-color',
      '--timeline',
      '--render-option',
      '--load',
      '--load-prev',
      '--open',
      '--import',
      '--require',
    ]) {
      expect(r.stdout).toContain(flag);
    }
  });
});

describe('saved sessions', () => {
  it(`keeps the last ${KEEP_SESSIONS} and gives runs of the same second distinct ids`, () => {
    const dir = path.join(tmp, 'prune');
    const profile = {
      nodes: [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 } }],
      samples: [],
      timeDeltas: [],
      startTime: 0,
      endTime: 1,
    };
    const ids: string[] = [];
    for (let i = 0; i < KEEP_SESSIONS + 3; i++) {
      const s = saveSession(
        {
          name: `run ${i}`,
          startedAt: '2026-01-02T03:04:05.000Z',
          interval: 1000,
          cwd: repo,
          exitCode: 0,
          signal: null,
          workers: 0,
          children: 0,
          profile,
        },
        dir,
      );
      ids.push(s.id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    const kept = listSessions(dir);
    expect(kept).toHaveLength(KEEP_SESSIONS);
    expect(loadPrevious(ids[ids.length - 1]!, dir).name).toBe(`run ${KEEP_SESSIONS + 2}`);
    expect(() => loadPrevious(ids[0]!, dir)).toThrow(/no saved session/);
    expect(() => loadPrevious('../etc/passwd', dir)).toThrow(/is not a session id/);
  });
});
