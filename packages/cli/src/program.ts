// The command line: commander's definition of `prof`, and what its options mean once parsed.
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  FORMAT_NAMES,
  OUTPUT_FORMATS,
  resolveProfileOptions,
  resolveRenderOptions,
  type OutputFormat,
  type RenderOptions,
} from '@prof/core';
import { listSessions, loadFile, sessionsDir } from './sessions.js';

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
export class UsageError extends Error {}

declare const __PROF_CLI_VERSION__: string | undefined;
const VERSION = typeof __PROF_CLI_VERSION__ === 'string' ? __PROF_CLI_VERSION__ : '0.0.0';

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

/** `-i`: core's own interval check, so the CLI accepts exactly what profile() and the middleware do. */
function parseInterval(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  try {
    return resolveProfileOptions({ interval: n }).interval;
  } catch {
    throw new InvalidArgumentError('must be an integer number of microseconds between 50 and 1000000.');
  }
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

/** The render options given by --show-all, --unicode, --hide, --show and -p. */
export function renderDefaultsOf(opts: CliOptions): RenderOptions {
  const renderDefaults: RenderOptions = {
    ...parseRenderOptions(opts.renderOption),
    ...(opts.showAll !== undefined ? { showAll: opts.showAll } : {}),
    ...(opts.unicode !== undefined ? { unicode: opts.unicode } : {}),
  };
  if (opts.hide.length) renderDefaults.hide = [...(renderDefaults.hide ?? []), ...opts.hide];
  if (opts.show.length) renderDefaults.show = [...(renderDefaults.show ?? []), ...opts.show];
  return renderDefaults;
}

function listCommand(): void {
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
}

function buildProgram(): Command {
  const program = new Command('prof')
    .description(
      "Run a Node.js script under prof's sampler and print a pyinstrument-style call tree.\n" +
        'Saved runs: `prof list`; re-render one with `prof --load-prev ID [options]`.',
    )
    .usage('[options] script.js [args...]\n       prof [options] --load FILE | --load-prev ID\n       prof list')
    .argument('[script]', 'the Node.js program to run (CommonJS, ESM or TypeScript)')
    .argument('[args...]', "the program's own arguments")
    .addOption(
      new Option('-r, --renderer <name>', 'output format (default: from --outfile, else text)').choices(FORMAT_NAMES),
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
    .action(listCommand);
  return program;
}

/** What the command line asks for: a script or a saved run to render, or nothing more to do. */
export type Parsed =
  | { done: true; code: number; error?: string }
  | { done: false; script: string | undefined; args: string[]; opts: CliOptions };

/** Parses argv; `--help`, `--version` and `prof list` run here and come back done. */
export async function parseCommandLine(argv: string[]): Promise<Parsed> {
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
        return { done: true, code: 0 };
      return { done: true, code: 2, error: `prof: ${err.message.replace(/^error: /, '')}` };
    }
    throw err;
  }
  if (ranList || !parsed) return { done: true, code: 0 };
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
  return { done: false, script: parsed.script, args: parsed.args, opts };
}
