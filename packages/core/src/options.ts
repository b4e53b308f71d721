import type { Report } from './report.js';
import { OUTPUT_FORMATS, type OutputFormat } from './export/formats.js';

/** What a framework request looks like to core (adapters fill it in). */
export interface RequestInfo {
  method: string;
  /** The path with the query string, as received (untrusted). */
  url: string;
  /** Header lookup, lower-case names. */
  header(name: string): string | undefined;
  /** The framework's own request object, for user predicates. */
  raw: unknown;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface RenderOptions {
  /** Show library and Node-internal frames instead of folding them. Default false. */
  showAll?: boolean;
  /** ANSI colours. Default: when stdout is a TTY and the logger is the console. */
  color?: boolean;
  /** Box-drawing characters. Default true. */
  unicode?: boolean;
  /** Times in seconds or as a percentage of the total. Default 'seconds'. */
  time?: 'seconds' | 'percent';
  /** Remove frames below this share of the total, 0..1. Default 0.01. */
  filterThreshold?: number;
  /** Globs (matched against the file path or library name) of frames to fold even if they are app code. */
  hide?: string[];
  /** Globs of frames to show even if they are library code. */
  show?: string[];
}

export type SamplerKind = 'auto' | 'native' | 'v8' | 'inspector';

export interface FileNameInfo {
  timestamp: string;
  method: string;
  path: string;
  status: string;
  duration: string;
  id: string;
  ext: string;
  report: Report;
}

export interface ProfilerOptions {
  /** Sampling interval in microseconds. Default 1000. */
  interval?: number;
  /** true, false, a sampling rate in 0..1, or a predicate. Default true. */
  enabled?: boolean | number | ((req: unknown) => boolean);
  /** One or several report formats written to outputDir / returned on trigger. Default 'text'. */
  output?: OutputFormat | OutputFormat[];
  /** Print each profiled request's text tree through logger.info. Default true. */
  printEachRequest?: boolean;
  /** Write each report there. */
  outputDir?: string;
  /** Template or function for file names inside outputDir. */
  fileName?: string | ((info: FileNameInfo) => string);
  /** Query parameter that returns the report instead of the response (needs `allow`). */
  queryParam?: string;
  /** Header that returns the report instead of the response (needs `allow`). */
  header?: string;
  /** Who may trigger reports by query parameter or header. */
  allow?: (req: unknown) => boolean;
  /** Keep only requests slower than this many milliseconds. Default 0. */
  slowThreshold?: number;
  /** How the tree is rendered. */
  render?: RenderOptions;
  /** Receives every kept report. */
  onReport?: (report: Report) => void | Promise<void>;
  /** Add a Server-Timing header. Default false. */
  serverTiming?: boolean;
  /** Where messages go. Default console. */
  logger?: Logger;
  /**
   * Sampler backend. Default 'auto': v8-profiler-next when it is built, else Node >= 24's built-in
   * `v8.startCpuProfile()` ('v8'), else node:inspector (docs/install.md).
   */
  sampler?: SamplerKind;
  /** At most this many requests profiled at once; the rest pass through unprofiled. Default 32. */
  maxConcurrent?: number;
  /** A request profiled longer than this many milliseconds is cut off and marked truncated. Default 30000. */
  maxDuration?: number;
  /**
   * 'context' (default): a report holds only the samples taken while its request's own async
   * context ran; the rest of its wall time is `[await]`. 'window': every sample between the
   * request's start and end, whoever's work it was.
   */
  attribution?: 'context' | 'window';
  /**
   * Keep at most this many report files in outputDir: after each write, the oldest files named
   * by prof's `fileName` template (or, for a fileName function, written by this profiler) are
   * removed. Default: no limit.
   */
  maxFiles?: number;
  /**
   * At most this many reports waiting to be written to outputDir; when the disk falls behind,
   * further reports skip their files (counted in stats.droppedWrites). Default 64.
   */
  maxPendingWrites?: number;
}

export interface ResolvedRenderOptions {
  showAll: boolean;
  color: boolean;
  unicode: boolean;
  time: 'seconds' | 'percent';
  filterThreshold: number;
  hide: string[];
  show: string[];
}

export interface ResolvedOptions {
  interval: number;
  enabled: (req: unknown) => boolean;
  /** True unless `enabled` is the constant false (lets adapters skip all work). */
  maybeEnabled: boolean;
  output: OutputFormat[];
  printEachRequest: boolean;
  outputDir: string | undefined;
  fileName: string | ((info: FileNameInfo) => string);
  queryParam: string | undefined;
  header: string | undefined;
  allow: ((req: unknown) => boolean) | undefined;
  slowThreshold: number;
  render: RenderOptions;
  onReport: ((report: Report) => void | Promise<void>) | undefined;
  serverTiming: boolean;
  logger: Logger;
  sampler: SamplerKind;
  maxConcurrent: number;
  maxDuration: number;
  attribution: 'context' | 'window';
  maxFiles: number | undefined;
  maxPendingWrites: number;
}

export const DEFAULT_FILE_NAME = '{timestamp}-{method}-{path}.{ext}';

const OPTION_NAMES = [
  'interval',
  'enabled',
  'output',
  'printEachRequest',
  'outputDir',
  'fileName',
  'queryParam',
  'header',
  'allow',
  'slowThreshold',
  'render',
  'onReport',
  'serverTiming',
  'logger',
  'sampler',
  'maxConcurrent',
  'maxDuration',
  'attribution',
  'maxFiles',
  'maxPendingWrites',
] as const satisfies readonly (keyof ProfilerOptions)[];

const RENDER_OPTION_NAMES = [
  'showAll',
  'color',
  'unicode',
  'time',
  'filterThreshold',
  'hide',
  'show',
] as const satisfies readonly (keyof RenderOptions)[];

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

function fail(name: string, accepted: string, value: unknown): never {
  throw new TypeError(`prof: option \`${name}\` must be ${accepted}; got ${describe(value)}`);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

function rejectUnknown(obj: object, known: readonly string[], prefix: string): void {
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const best = known
      .map((k) => [k, editDistance(key.toLowerCase(), k.toLowerCase())] as const)
      .sort((x, y) => x[1] - y[1])[0];
    const hint =
      best && best[1] <= Math.max(2, Math.floor(key.length / 3)) ? `; did you mean \`${prefix}${best[0]}\`?` : '';
    throw new TypeError(`prof: unknown option \`${prefix}${key}\`${hint} (known: ${known.join(', ')})`);
  }
}

const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

export function resolveRenderOptions(render: unknown, name = 'render'): RenderOptions {
  if (render === undefined) return {};
  if (typeof render !== 'object' || render === null || Array.isArray(render)) fail(name, 'an object', render);
  rejectUnknown(render, RENDER_OPTION_NAMES, `${name}.`);
  const r = render as RenderOptions;
  for (const key of ['showAll', 'color', 'unicode'] as const) {
    if (r[key] !== undefined && typeof r[key] !== 'boolean') fail(`${name}.${key}`, 'a boolean', r[key]);
  }
  if (r.time !== undefined && r.time !== 'seconds' && r.time !== 'percent') {
    fail(`${name}.time`, "'seconds' or 'percent'", r.time);
  }
  if (
    r.filterThreshold !== undefined &&
    !(isFiniteNumber(r.filterThreshold) && r.filterThreshold >= 0 && r.filterThreshold < 1)
  ) {
    fail(`${name}.filterThreshold`, 'a number in 0..1 (a share of the total time, e.g. 0.01)', r.filterThreshold);
  }
  for (const key of ['hide', 'show'] as const) {
    if (r[key] !== undefined && !isStringArray(r[key])) fail(`${name}.${key}`, 'an array of glob strings', r[key]);
  }
  return { ...r };
}

export function fillRenderOptions(r: RenderOptions, colorDefault = false): ResolvedRenderOptions {
  return {
    showAll: r.showAll ?? false,
    color: r.color ?? colorDefault,
    unicode: r.unicode ?? true,
    time: r.time ?? 'seconds',
    filterThreshold: r.filterThreshold ?? 0.01,
    hide: r.hide ?? [],
    show: r.show ?? [],
  };
}

const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/** Validates every option once, when the middleware is created. Throws a TypeError naming the option. */
export function resolveOptions(opts: ProfilerOptions = {}): ResolvedOptions {
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) fail('options', 'an object', opts);
  rejectUnknown(opts, OPTION_NAMES, '');

  const interval = opts.interval ?? 1000;
  if (!(Number.isInteger(interval) && interval >= 50 && interval <= 1_000_000)) {
    fail('interval', 'an integer number of microseconds between 50 and 1000000', interval);
  }

  const en = opts.enabled ?? true;
  let enabled: (req: unknown) => boolean;
  if (typeof en === 'boolean') enabled = () => en;
  else if (typeof en === 'number') {
    if (!(Number.isFinite(en) && en >= 0 && en <= 1))
      fail('enabled', 'true, false, a rate in 0..1 or a function (req) => boolean', en);
    enabled = () => Math.random() < en;
  } else if (typeof en === 'function') enabled = (req) => en(req) === true;
  else fail('enabled', 'true, false, a rate in 0..1 or a function (req) => boolean', en);

  const rawOutput = opts.output ?? 'text';
  const output = Array.isArray(rawOutput) ? rawOutput : [rawOutput];
  const formatList = Object.keys(OUTPUT_FORMATS)
    .map((f) => `'${f}'`)
    .join(', ');
  if (output.length === 0) fail('output', `one or several of ${formatList}`, rawOutput);
  for (const f of output) {
    if (typeof f !== 'string' || !Object.hasOwn(OUTPUT_FORMATS, f))
      fail('output', `one or several of ${formatList}`, f);
  }

  const bool = (name: keyof ProfilerOptions, dflt: boolean): boolean => {
    const v = opts[name] ?? dflt;
    if (typeof v !== 'boolean') fail(name, 'a boolean', v);
    return v;
  };
  const optString = (
    name: 'outputDir' | 'queryParam' | 'header',
    pattern?: RegExp,
    what = 'a non-empty string',
  ): string | undefined => {
    const v = opts[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.length === 0 || (pattern && !pattern.test(v))) fail(name, what, v);
    return v;
  };
  const optFunction = <T>(name: 'allow' | 'onReport', v: T | undefined): T | undefined => {
    if (v !== undefined && typeof v !== 'function') fail(name, 'a function', v);
    return v;
  };

  const fileName = opts.fileName ?? DEFAULT_FILE_NAME;
  if (typeof fileName === 'string') {
    if (fileName.length === 0) fail('fileName', 'a non-empty template string or a function', fileName);
    const unknown = /\{([^}]*)\}/g;
    for (const m of fileName.matchAll(unknown)) {
      if (!['timestamp', 'method', 'path', 'status', 'duration', 'id', 'ext'].includes(m[1]!)) {
        fail('fileName', 'a template using {timestamp} {method} {path} {status} {duration} {id} {ext}', fileName);
      }
    }
  } else if (typeof fileName !== 'function') fail('fileName', 'a template string or a function', fileName);

  const slowThreshold = opts.slowThreshold ?? 0;
  if (!(isFiniteNumber(slowThreshold) && slowThreshold >= 0))
    fail('slowThreshold', 'a number of milliseconds ≥ 0', slowThreshold);

  const logger = opts.logger ?? consoleLogger;
  if (
    typeof logger !== 'object' ||
    logger === null ||
    !['info', 'warn', 'error'].every((k) => typeof (logger as unknown as Record<string, unknown>)[k] === 'function')
  ) {
    fail('logger', 'an object with info, warn and error functions', logger);
  }

  const sampler = opts.sampler ?? 'auto';
  if (sampler !== 'auto' && sampler !== 'native' && sampler !== 'v8' && sampler !== 'inspector')
    fail('sampler', "'auto', 'native', 'v8' or 'inspector'", sampler);

  const maxConcurrent = opts.maxConcurrent ?? 32;
  if (!(Number.isInteger(maxConcurrent) && maxConcurrent >= 1 && maxConcurrent <= 1000)) {
    fail('maxConcurrent', 'an integer between 1 and 1000', maxConcurrent);
  }
  const maxDuration = opts.maxDuration ?? 30_000;
  if (!(isFiniteNumber(maxDuration) && maxDuration > 0))
    fail('maxDuration', 'a number of milliseconds > 0', maxDuration);

  const attribution = opts.attribution ?? 'context';
  if (attribution !== 'context' && attribution !== 'window') fail('attribution', "'context' or 'window'", attribution);

  const maxFiles = opts.maxFiles;
  if (maxFiles !== undefined && !(Number.isInteger(maxFiles) && maxFiles >= 1))
    fail('maxFiles', 'an integer ≥ 1 (report files kept in outputDir)', maxFiles);
  const maxPendingWrites = opts.maxPendingWrites ?? 64;
  if (!(Number.isInteger(maxPendingWrites) && maxPendingWrites >= 1 && maxPendingWrites <= 100_000)) {
    fail('maxPendingWrites', 'an integer between 1 and 100000', maxPendingWrites);
  }

  const queryParam = optString('queryParam', /^[A-Za-z0-9_.-]+$/, 'a query parameter name (letters, digits, _ . -)');
  const header = optString('header', /^[A-Za-z0-9-]+$/, 'an HTTP header name');

  return {
    interval,
    enabled,
    maybeEnabled: en !== false && en !== 0,
    output: [...new Set(output)],
    printEachRequest: bool('printEachRequest', true),
    outputDir: optString('outputDir'),
    fileName,
    queryParam,
    header: header?.toLowerCase(),
    allow: optFunction('allow', opts.allow),
    slowThreshold,
    render: resolveRenderOptions(opts.render),
    onReport: optFunction('onReport', opts.onReport),
    serverTiming: bool('serverTiming', false),
    logger,
    sampler,
    maxConcurrent,
    maxDuration,
    attribution,
    maxFiles,
    maxPendingWrites,
  };
}

export { consoleLogger };
