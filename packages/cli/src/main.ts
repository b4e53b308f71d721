import fs from 'node:fs';
import os from 'node:os';
import { OUTPUT_FORMATS, isCpuProfile, trimProfile, type OutputFormat, type RenderOptions } from '@prof/core';
import { emit, quote } from './emit.js';
import { parseCommandLine, renderDefaultsOf, chooseRenderer, UsageError, type CliOptions } from './program.js';
import type { ChildResult } from './protocol.js';
import { runScript, type RunResult } from './run.js';
import { loadFile, loadPrevious, saveSession, sessionsDir, type Session } from './sessions.js';

function fail(message: string, code: number): number {
  process.stderr.write(`${message.split('\n')[0]}\n`);
  return code;
}

/** The checks made before anything runs: one source, a renderer this core has. */
function validate(script: string | undefined, opts: CliOptions): OutputFormat {
  const sources = [opts.load !== undefined, opts.loadPrev !== undefined, script !== undefined].filter(Boolean).length;
  if (sources === 0)
    throw new UsageError("prof: give a script to run, --load FILE or --load-prev ID (see 'prof --help')");
  if (sources > 1) throw new UsageError('prof: give only one of a script, --load FILE and --load-prev ID');
  const format = chooseRenderer(opts);
  if (!OUTPUT_FORMATS[format])
    throw new UsageError(`prof: renderer '${format}' is not available in this version of @prof/core`);
  if (opts.open && !OUTPUT_FORMATS.html)
    throw new UsageError('prof: --open needs the html renderer, which this version of @prof/core lacks');
  if (format === 'pprof' && !opts.outfile)
    throw new UsageError('prof: the pprof renderer writes binary data; give -o FILE');
  return format;
}

/** Saves the run for `prof --load-prev`; a run that cannot be saved is still reported. */
function save(script: string, args: string[], opts: CliOptions, run: RunResult, child: ChildResult): Session {
  const fields = {
    name: [script, ...args].map(quote).join(' '),
    startedAt: child.startedAt,
    interval: opts.interval,
    cwd: process.cwd(),
    exitCode: run.code,
    signal: run.signal,
    workers: child.workers,
    children: child.children,
    profile: isCpuProfile(child.profile) ? trimProfile(child.profile, child.beganAt, child.endedAt) : child.profile,
  };
  try {
    return saveSession(fields);
  } catch (err) {
    process.stderr.write(`prof: could not save this run in ${sessionsDir()}: ${(err as Error).message}\n`);
    return { format: 'prof.session/1', id: 'unsaved', ...fields };
  }
}

async function runAndReport(
  script: string,
  args: string[],
  opts: CliOptions,
  format: OutputFormat,
  renderDefaults: RenderOptions,
): Promise<{ code: number; signal?: NodeJS.Signals }> {
  if (!fs.existsSync(script)) throw new UsageError(`prof: no such script: ${script}`);
  const run = await runScript(script, args, opts);
  const exit = run.signal
    ? { code: 128 + (os.constants.signals[run.signal] ?? 0), signal: run.signal }
    : { code: run.code ?? 1 };
  if (!run.child) {
    process.stderr.write(
      'prof: the program ended without writing its profile (killed by SIGKILL, or crashed); no report\n',
    );
    return exit;
  }
  const session = save(script, args, opts, run, run.child);
  emit(session, opts, format, renderDefaults, session.id !== 'unsaved' ? `prof --load-prev ${session.id}` : undefined);
  return exit;
}

/**
 * Runs the CLI and resolves to how prof should exit: the program's own exit code (2 for usage
 * errors, 1 for files that cannot be loaded), or, for a program that died of a signal, that
 * signal with code 128 + n as a fallback.
 */
export async function main(argv: string[]): Promise<{ code: number; signal?: NodeJS.Signals }> {
  const parsed = await parseCommandLine(argv);
  if (parsed.done) return { code: parsed.error ? fail(parsed.error, parsed.code) : parsed.code };
  const { script, args, opts } = parsed;
  try {
    const format = validate(script, opts);
    const renderDefaults = renderDefaultsOf(opts);
    if (opts.load !== undefined || opts.loadPrev !== undefined) {
      const session = opts.load !== undefined ? loadFile(opts.load) : loadPrevious(opts.loadPrev!);
      if (session.cwd && session.cwd !== process.cwd() && fs.existsSync(session.cwd)) process.chdir(session.cwd);
      const again = opts.load !== undefined ? `prof --load ${quote(opts.load)}` : `prof --load-prev ${session.id}`;
      emit(session, opts, format, renderDefaults, again);
      return { code: 0 };
    }
    return await runAndReport(script!, args, opts, format, renderDefaults);
  } catch (err) {
    if (err instanceof UsageError) return { code: fail(err.message, 2) };
    const message = (err as Error).message;
    return { code: fail(message.startsWith('prof:') ? message : `prof: ${message}`, 1) };
  }
}
