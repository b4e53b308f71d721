// Session files hold the command line and the working directory: they are private to the user.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listSessions, loadPrevious, saveSession } from '../src/sessions.js';
import { randomSum, repo, runProf, temp, useTempDir } from './helpers.js';

useTempDir();

describe('session files are private (they hold the command line and the working directory)', () => {
  const mode = (p: string): number => fs.statSync(p).mode & 0o777;

  it('a run saves its session 0600 in a 0700 folder, parents created by prof included', () => {
    const data = path.join(temp.dir, 'private', 'data', 'sessions');
    const r = runProf([randomSum, '1000', '--token=s3cret'], { env: { PROF_DATA_DIR: data } });
    expect(r.code).toBe(0);
    const [entry] = listSessions(data);
    expect(entry).toBeDefined();
    // What the session keeps (docs/security.md): the arguments as typed, and the working directory.
    const saved = loadPrevious(entry!.id, data);
    expect(saved.name).toContain('--token=s3cret');
    expect(saved.cwd).toBe(repo);
    expect(mode(entry!.file)).toBe(0o600);
    expect(mode(data)).toBe(0o700);
    expect(mode(path.dirname(data))).toBe(0o700);
  });

  it("an existing folder of the user's, 0755 from an older prof, is made 0700 when reused", () => {
    const data = path.join(temp.dir, 'private-old');
    fs.mkdirSync(data, { mode: 0o755 });
    fs.chmodSync(data, 0o755);
    const r = runProf([randomSum, '1000'], { env: { PROF_DATA_DIR: data } });
    expect(r.code).toBe(0);
    expect(listSessions(data)).toHaveLength(1);
    expect(mode(data)).toBe(0o700);
  });

  it('a shared sticky folder given as PROF_DATA_DIR keeps its mode', () => {
    const data = path.join(temp.dir, 'private-sticky');
    fs.mkdirSync(data);
    fs.chmodSync(data, 0o1777);
    saveSession(
      {
        name: 'x',
        startedAt: new Date().toISOString(),
        interval: 1000,
        cwd: repo,
        exitCode: 0,
        signal: null,
        workers: 0,
        children: 0,
        profile: {},
      },
      data,
    );
    expect(fs.statSync(data).mode & 0o7777).toBe(0o1777);
    expect(mode(listSessions(data)[0]!.file)).toBe(0o600);
  });
});
