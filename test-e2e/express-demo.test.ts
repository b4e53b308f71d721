// The README's first command ends with the Express example's demo: it must print its trees and
// then exit by itself (its in-process stand-in database once kept the process alive after the
// demo was done, and `npm run demo` never reached the NestJS part).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

describe('examples/express/demo.mjs, as npm run demo runs it', () => {
  it('prints the async /articles tree and exits with status 0 on its own', async () => {
    const child = spawn(process.execPath, ['examples/express/demo.mjs'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.resume();
    // Not a speed bound: only a process that never exits reaches it.
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once('exit', (c, s) => resolve([c, s])),
    );
    clearTimeout(killer);
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(out).toMatch(/Request: GET \/articles → 200/);
    expect(out).toMatch(/findRecentArticles {2}examples\/shared\/articles\.mjs/);
    expect(out).toMatch(/Reports \(.*\) written to examples\/express\/profiles\//);
  }, 150_000);
});
