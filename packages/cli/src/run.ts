// Running the program: node with prof's preload, the program's own stdio, argv and exit status.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliOptions } from './program.js';
import { ENV_INTERVAL, ENV_OUT, type ChildResult } from './protocol.js';
import { typeScriptArgs } from './typescript.js';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  child: ChildResult | undefined;
}

/** Where the preload lives next to this file (dist/preload.cjs). */
function preloadPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'preload.cjs'), path.join(here, '..', 'dist', 'preload.cjs')];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`prof: cannot find preload.cjs next to ${here}; build @prof/cli first`);
  return found;
}

/** Runs the program with our preload; its stdio, argv and exit status are its own. */
export function runScript(script: string, args: string[], opts: CliOptions): Promise<RunResult> {
  const typescript = typeScriptArgs(script, [...opts.import, ...opts.require]);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-run-'));
  const out = path.join(tmp, 'profile.json');
  const nodeArgs = [
    // Ours first: sampling starts before any loader (tsx) so the report covers the program's whole life.
    '--require',
    preloadPath(),
    ...typescript,
    ...opts.import.flatMap((m) => ['--import', m]),
    ...opts.require.flatMap((m) => ['--require', m]),
    script,
    ...args,
  ];
  const child = spawn(process.execPath, nodeArgs, {
    stdio: 'inherit',
    env: { ...process.env, [ENV_OUT]: out, [ENV_INTERVAL]: String(opts.interval) },
  });
  // Ctrl-C reaches the whole process group, so the program already has it; a SIGTERM or SIGHUP
  // sent to prof alone is passed on. Either way prof stays alive to print the report.
  const forward = (sig: NodeJS.Signals) => (): void => {
    if (sig !== 'SIGINT') child.kill(sig);
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => [sig, forward(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
      fs.rmSync(tmp, { recursive: true, force: true });
      reject(err);
    });
    child.on('exit', (code, signal) => {
      for (const [sig, h] of handlers) process.removeListener(sig, h);
      let result: ChildResult | undefined;
      try {
        result = JSON.parse(fs.readFileSync(out, 'utf8')) as ChildResult;
      } catch {
        result = undefined;
      }
      fs.rmSync(tmp, { recursive: true, force: true });
      resolve({ code, signal, child: result });
    });
  });
}
