import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  OUTPUT_FORMATS,
  isCpuProfile,
  renderTimelineText,
  reportFromCpuProfile,
  resolveRenderOptions,
  type OutputFormat,
  type RawProfile,
  type RenderOptions,
  type Report,
} from '@prof/core';
import { ENV_INTERVAL, ENV_OUT, type ChildResult } from './protocol.js';
import { listSessions, loadFile, loadPrevious, saveSession, sessionsDir, type Session } from './sessions.js';

const RENDERERS = ['text', 'json', 'html', 'speedscope', 'cpuprofile', 'collapsed', 'pprof'] as const;

export interface CliOptions {
  renderer?: OutputFormat;
  outfile?: string;
  interval: number;
  showAll?: boolean;
  hide: string[];
  show: string[];
  unicode?: boolean;
  color?: boolean;
  timeline?: boolean;
  renderOption: string[];
  load?: string;
  loadPrev?: string;
  open?: boolean;
  import: string[];
  require: string[];
}

/** A usage error: one line on stderr, exit code 2. */
class UsageError extends Error {}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

function parseInterval(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 50 || n > 1_000_000) {
    throw new InvalidArgumentError('must be an integer number of microseconds between 50 and 1000000.');
  }
  return n;
}

/** `-p key=value` → RenderOptions, validated by core (which names the bad option). */
export function parseRenderOptions(pairs: string[]): RenderOptions {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`prof: -p expects key=value; got '${pair}'`);
    // filter_threshold, filter-threshold and filterThreshold are the same key.
    const key = pair.slice(0, eq).replace(/[-_]([a-z])/g, (_, ch: string) => ch.toUpperCase());
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (raw !== '' && !Number.isNaN(Number(raw))) value = Number(raw);
    if (key === 'hide' || key === 'show') value = [...((out[key] as string[] | undefined) ?? []), raw];
    out[key] = value;
  }
  try {
    return resolveRenderOptions(out, 'render-option');
  } catch (err) {
    throw new UsageError((err as Error).message.replace(/`render-option\./g, '`'));
  }
}

/** The renderer: -r, else from -o's extension (longest match, so `.speedscope.json` wins over `.json`), else text. */
export function chooseRenderer(opts: Pick<CliOptions, 'renderer' | 'outfile'>): OutputFormat {
  if (opts.renderer) return opts.renderer;
  if (opts.outfile) {
    const name = path.basename(opts.outfile).toLowerCase();
    let best: [OutputFormat, number] | undefined;
    for (const [fmt, spec] of Object.entries(OUTPUT_FORMATS)) {
      if (!spec) continue;
      const ext = `.${spec.ext.toLowerCase()}`;
      if (name.endsWith(ext) && (!best || ext.length > best[1])) best = [fmt as OutputFormat, ext.length];
    }
    if (best) return best[0];
  }
  return 'text';
}

function buildProgram(): Command {
  const program = new Command('prof')
    .description(
      "Run a Node.js script under prof's sampler and print a pyinstrument-style call tree.\n" +
        'Saved runs: `prof list`; re-render one with `prof --load-prev ID [options]`.',
    )
    .usage('[options] script.js [args...]\n       prof [options] --load FILE | --load-prev ID\n       prof list')
    .argument('[script]', 'the Node.js program to run (CommonJS or ESM)')
    .argument('[args...]', "the program's own arguments")
    .addOption(
      new Option('-r, --renderer <name>', 'output format (default: from --outfile, else text)').choices(RENDERERS),
    )
    .option('-o, --outfile <file>', 'write the report to this file instead of stderr')
    .option('-i, --interval <µs>', 'sampling interval in microseconds', parseInterval, 1000)
    .option('--show-all', 'show library and Node-internal frames instead of folding them')
    .option('--hide <glob>', 'fold frames whose file, path or library matches (repeatable)', collect)
    .option(
      '--show <glob>',
      'show frames whose file, path or library matches even if library code (repeatable)',
      collect,
    )
    .option('--unicode', 'draw the tree with box-drawing characters (default)')
    .option('--no-unicode', 'draw the tree with ASCII')
    .option('--color', 'ANSI colours (default: when the report goes to a terminal)')
    .option('--no-color', 'no ANSI colours')
    .option('-t, --timeline', 'time order, no aggregation (text renderer)')
    .option(
      '-p, --render-option <key=value>',
      'a render option: time=percent, filterThreshold=0.005, hide=<glob>, … (repeatable)',
      collect,
    )
    .option(
      '--load <file>',
      'render a saved session or any .cpuprofile (node --cpu-prof, Chrome) instead of running a script',
    )
    .option('--load-prev <id>', 'render a saved run again (ids: prof list)')
    .option('--open', 'write the HTML report to a temporary file and open it in the browser')
    .option('--import <module>', 'passed to node: preload an ES module, e.g. tsx (repeatable)', collect)
    .option('--require <module>', 'passed to node: preload a CommonJS module (repeatable)', collect)
    .version(VERSION, '-V, --version')
    .helpOption('-h, --help')
    .enablePositionalOptions()
    .passThroughOptions()
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined });
  program
    .command('list')
    .description('list saved sessions, newest first')
    .exitOverride()
    .configureOutput({ writeErr: () => undefined, outputError: () => undefined })
    .action(() => {
      const dir = sessionsDir();
      const sessions = listSessions(dir);
      if (sessions.length === 0) {
        process.stdout.write(`No saved sessions in ${dir}\n`);
        return;
      }
      for (const s of sessions) {
        let name = '';
        try {
          name = loadFile(s.file).name;
        } catch {
          name = '(unreadable)';
        }
        process.stdout.write(`${s.id}  ${name}\n`);
      }
    });
  return program;
}

declare const __PROF_CLI_VERSION__: string | undefined;
const VERSION = typeof __PROF_CLI_VERSION__ === 'string' ? __PROF_CLI_VERSION__ : '0.0.0';

/** Where the preload lives next to this file (dist/preload.js). */
function preloadPath(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.join(here, 'preload.cjs'), path.join(here, '..', 'dist', 'preload.cjs')];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`prof: cannot find preload.cjs next to ${here}; build @prof/cli first`);
  return found;
}

/**
 * Keeps the samples taken while the program ran: those before `from` (the preload starting the
 * profiler) and after `to` (its exit handler stopping it) are prof's own.
 */
export function trimProfile(profile: RawProfile, from: number, to: number): RawProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const start = Math.max(profile.startTime, from);
  let t = profile.startTime;
  let prev = start;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    if (t <= from || t > to) continue;
    samples.push(profile.samples[i]!);
    timeDeltas.push(t - prev);
    prev = t;
  }
  return { ...profile, samples, timeDeltas, startTime: start, endTime: Math.max(start, Math.min(profile.endTime, to)) };
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  child: ChildResult | undefined;
}

/** Runs the program with our preload; its stdio, argv and exit status are its own. */
function runScript(script: string, args: string[], opts: CliOptions): Promise<RunResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prof-run-'));
  const out = path.join(tmp, 'profile.json');
  const nodeArgs = [
    // Ours first: sampling starts before any loader (tsx) so the report covers the program's whole life.
    '--require',
    preloadPath(),
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

function notProfiledNote(session: Session): string | undefined {
  const parts: string[] = [];
  if (session.workers > 0) parts.push(`${session.workers} worker thread${session.workers === 1 ? '' : 's'}`);
  if (session.children > 0) parts.push(`${session.children} child process${session.children === 1 ? '' : 'es'}`);
  if (parts.length === 0) return undefined;
  return `Note: the program started ${parts.join(' and ')}; they were not profiled (prof samples only the main thread of the process it runs).`;
}

function toReport(session: Session, renderDefaults: RenderOptions, color: boolean): Report {
  const note = notProfiledNote(session);
  return reportFromCpuProfile(
    session.profile as RawProfile,
    {
      id: session.id,
      name: session.name,
      startedAt: session.startedAt,
      ...(session.interval > 0 ? { interval: session.interval } : {}),
      sampler: 'inspector',
      exitCode: session.exitCode,
      signal: session.signal,
      ...(session.workers || session.children
        ? { notProfiled: { workerThreads: session.workers, childProcesses: session.children } }
        : {}),
      ...(note ? { note } : {}),
    },
    { render: renderDefaults, color, ...(session.interval > 0 ? { interval: session.interval } : {}) },
  );
}

function openInBrowser(file: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [file], { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`prof: could not start ${cmd}; open ${file} in a browser\n`));
    child.unref();
  } catch {
    process.stderr.write(`prof: could not start ${cmd}; open ${file} in a browser\n`);
  }
}

/** Renders and writes the report; returns nothing, throws one-line Errors. */
function emit(
  session: Session,
  opts: CliOptions,
  format: OutputFormat,
  renderDefaults: RenderOptions,
  again: string | undefined,
): void {
  const toTerminal = !opts.outfile && process.stderr.isTTY === true;
  const color = opts.color ?? (toTerminal && !process.env.NO_COLOR);
  const report = toReport(session, renderDefaults, color);
  const hint = again ? `To view this report with different options, run:\n    ${again} [options]\n` : '';
  const note = notProfiledNote(session);

  if (opts.open) {
    const html = report.render('html');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prof-')), `${session.id}.html`);
    fs.writeFileSync(file, html);
    process.stderr.write(`prof: HTML report written to ${file}\n`);
    openInBrowser(file);
  }

  let body: string | Uint8Array;
  if (format === 'text') {
    const overrides: RenderOptions = { ...renderDefaults, color };
    body = opts.timeline ? renderTimelineText(report, overrides) : report.text(overrides);
    if (note) body += `\n${note}\n`;
    if (hint && !opts.outfile) body += `\n${hint}`;
  } else {
    if (opts.timeline) process.stderr.write('prof: --timeline applies to the text renderer only\n');
    body = report.render(format);
  }

  if (opts.outfile) {
    fs.writeFileSync(opts.outfile, body);
    process.stderr.write(`prof: ${format} report written to ${opts.outfile}\n`);
    if (note && format !== 'text') process.stderr.write(`${note}\n`);
    if (hint) process.stderr.write(hint);
  } else if (!opts.open || format !== 'text' || opts.renderer) {
    if (typeof body !== 'string') throw new UsageError(`prof: the ${format} renderer writes binary data; give -o FILE`);
    process.stderr.write(body.endsWith('\n') ? body : `${body}\n`);
    if (format !== 'text') {
      if (note) process.stderr.write(`${note}\n`);
      if (hint) process.stderr.write(hint);
    }
  } else if (hint) {
    process.stderr.write(hint);
  }
}

function fail(message: string, code: number): number {
  process.stderr.write(`${message.split('\n')[0]}\n`);
  return code;
}

/**
 * Runs the CLI and resolves to how prof should exit: the program's own exit code (2 for usage
 * errors, 1 for files that cannot be loaded), or, for a program that died of a signal, that
 * signal with code 128 + n as a fallback.
 */
export async function main(argv: string[]): Promise<{ code: number; signal?: NodeJS.Signals }> {
  const program = buildProgram();
  let ranList = false;
  program.commands[0]!.hook('postAction', () => void (ranList = true));
  let parsed: { script: string | undefined; args: string[]; opts: CliOptions } | undefined;
  program.action((script: string | undefined, args: string[], opts: CliOptions) => {
    parsed = { script, args, opts };
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
        return { code: 0 };
      return { code: fail(`prof: ${err.message.replace(/^error: /, '')}`, 2) };
    }
    throw err;
  }
  if (ranList || !parsed) return { code: 0 };
  const { script, args } = parsed;
  // Repeatable options are absent until given (so --help shows no `(default: [])`).
  const opts: CliOptions = {
    ...parsed.opts,
    hide: parsed.opts.hide ?? [],
    show: parsed.opts.show ?? [],
    renderOption: parsed.opts.renderOption ?? [],
    import: parsed.opts.import ?? [],
    require: parsed.opts.require ?? [],
    // Absolute now: --load-prev may change directory to the run's own before rendering.
    ...(parsed.opts.outfile !== undefined ? { outfile: path.resolve(parsed.opts.outfile) } : {}),
  };

  try {
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
    const renderDefaults: RenderOptions = {
      ...parseRenderOptions(opts.renderOption),
      ...(opts.showAll !== undefined ? { showAll: opts.showAll } : {}),
      ...(opts.unicode !== undefined ? { unicode: opts.unicode } : {}),
    };
    if (opts.hide.length) renderDefaults.hide = [...(renderDefaults.hide ?? []), ...opts.hide];
    if (opts.show.length) renderDefaults.show = [...(renderDefaults.show ?? []), ...opts.show];

    if (opts.load !== undefined || opts.loadPrev !== undefined) {
      const session = opts.load !== undefined ? loadFile(opts.load) : loadPrevious(opts.loadPrev!);
      if (session.cwd && session.cwd !== process.cwd() && fs.existsSync(session.cwd)) process.chdir(session.cwd);
      const again = opts.load !== undefined ? `prof --load ${quote(opts.load)}` : `prof --load-prev ${session.id}`;
      emit(session, opts, format, renderDefaults, again);
      return { code: 0 };
    }

    if (!fs.existsSync(script!)) throw new UsageError(`prof: no such script: ${script}`);
    const run = await runScript(script!, args, opts);
    const exit = run.signal
      ? { code: 128 + (os.constants.signals[run.signal] ?? 0), signal: run.signal }
      : { code: run.code ?? 1 };
    if (!run.child) {
      process.stderr.write(
        'prof: the program ended without writing its profile (killed by SIGKILL, or crashed); no report\n',
      );
      return exit;
    }
    const name = [script!, ...args].map(quote).join(' ');
    let session: Session;
    const fields = {
      name,
      startedAt: run.child.startedAt,
      interval: opts.interval,
      cwd: process.cwd(),
      exitCode: run.code,
      signal: run.signal,
      workers: run.child.workers,
      children: run.child.children,
      profile: isCpuProfile(run.child.profile)
        ? trimProfile(run.child.profile, run.child.beganAt, run.child.endedAt)
        : run.child.profile,
    };
    let saved = true;
    try {
      session = saveSession(fields);
    } catch (err) {
      process.stderr.write(`prof: could not save this run in ${sessionsDir()}: ${(err as Error).message}\n`);
      session = { format: 'prof.session/1', id: 'unsaved', ...fields };
      saved = false;
    }
    emit(session, opts, format, renderDefaults, saved ? `prof --load-prev ${session.id}` : undefined);
    return exit;
  } catch (err) {
    if (err instanceof UsageError) return { code: fail(err.message, 2) };
    return {
      code: fail(
        (err as Error).message.startsWith('prof:') ? (err as Error).message : `prof: ${(err as Error).message}`,
        1,
      ),
    };
  }
}
