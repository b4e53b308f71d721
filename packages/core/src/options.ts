import { DEFAULTS, fillRenderOptions } from './defaults.js';
import { FORMAT_NAMES, isOutputFormat, type OutputFormat } from './formats.js';
import { resolveAggregate, resolveDashboard } from './options-aggregate.js';
import type { FileNameInfo, ProfileOptions, ProfilerOptions, ResolvedOptions } from './option-types.js';
import { proc } from './runtime.js';
import type { Attribution, Logger, RenderOptions, RequestInfo, ResolvedRenderOptions, SamplerKind } from './types.js';
import {
  check,
  fail,
  isFiniteNumber,
  isInteger,
  isStringArray,
  ownOptions,
  rejectUnknown,
  withDefaults,
} from './validate.js';

export type { Logger, RenderOptions, RequestInfo, ResolvedRenderOptions, SamplerKind };
export type { FileNameInfo, ProfileOptions, ProfilerOptions, ResolvedOptions };
export { DEFAULTS, fillRenderOptions };

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
  'sourceMaps',
  'dashboard',
  'aggregate',
] as const satisfies readonly (keyof ProfilerOptions)[];

const RENDER_OPTION_NAMES = Object.keys(DEFAULTS.render) as (keyof RenderOptions)[];
const FILE_NAME_KEYS = ['timestamp', 'method', 'path', 'status', 'duration', 'id', 'ext'];

/** Checks of the options profile() shares with the middleware (each gets the value over its default). */
/** The longest delay setTimeout honours. */
const MAX_TIMER_MS = 2 ** 31 - 1;

const common = {
  interval: (v: unknown): number =>
    check(
      'interval',
      v,
      (x) => isInteger(x, 50, 1_000_000),
      'an integer number of microseconds between 50 and 1000000',
    ),
  sampler: (v: unknown): SamplerKind =>
    check(
      'sampler',
      v,
      (x) => x === 'auto' || x === 'pprof' || x === 'native' || x === 'v8' || x === 'inspector',
      "'auto', 'pprof', 'native', 'v8' or 'inspector'",
    ),
  attribution: (v: unknown): Attribution =>
    check('attribution', v, (x) => x === 'context' || x === 'window', "'context' or 'window'"),
  logger: (v: unknown): Logger =>
    check(
      'logger',
      v,
      (x) =>
        typeof x === 'object' &&
        x !== null &&
        ['info', 'warn', 'error'].every((k) => typeof (x as Record<string, unknown>)[k] === 'function'),
      'an object with info, warn and error functions',
    ),
};

/** Validates `render` options (unset fields stay unset). Throws a TypeError naming the option. */
export function resolveRenderOptions(render: unknown, name = 'render'): RenderOptions {
  if (render === undefined) return {};
  if (typeof render !== 'object' || render === null || Array.isArray(render)) fail(name, 'an object', render);
  const r = ownOptions(render) as RenderOptions;
  rejectUnknown(r, RENDER_OPTION_NAMES, `${name}.`);
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
  return r;
}

// profile() prints nothing itself: its default logger only warns.
const quietLogger: Logger = { info: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) };

/** profile()'s options, validated by the middleware's checks (unknown keys are let through). */
export function resolveProfileOptions(raw: ProfileOptions): ResolvedProfileOptions {
  const options = ownOptions(raw);
  const o = withDefaults({ ...DEFAULTS, logger: quietLogger }, options);
  return {
    interval: common.interval(o.interval),
    sampler: common.sampler(o.sampler),
    attribution: common.attribution(o.attribution),
    logger: common.logger(o.logger),
    render: fillRenderOptions(resolveRenderOptions(options.render)),
    name: options.name,
    sourceMaps: check('sourceMaps', o.sourceMaps, (v) => typeof v === 'boolean', 'a boolean'),
  };
}

export interface ResolvedProfileOptions {
  interval: number;
  sampler: SamplerKind;
  attribution: Attribution;
  logger: Logger;
  render: ResolvedRenderOptions;
  name: string | undefined;
  sourceMaps: boolean;
}

function resolveEnabled(en: ProfilerOptions['enabled']): (req: unknown) => boolean {
  const accepted = 'true, false, a rate in 0..1 or a function (req) => boolean';
  if (typeof en === 'boolean') return () => en;
  if (typeof en === 'number') {
    if (!(Number.isFinite(en) && en >= 0 && en <= 1)) fail('enabled', accepted, en);
    return () => Math.random() < en;
  }
  if (typeof en === 'function') return (req) => en(req) === true;
  return fail('enabled', accepted, en);
}

function resolveOutput(raw: ProfilerOptions['output']): OutputFormat[] {
  const output: unknown[] = Array.isArray(raw) ? raw : [raw];
  const accepted = `one or several of ${FORMAT_NAMES.map((f) => `'${f}'`).join(', ')}`;
  if (output.length === 0) fail('output', accepted, raw);
  for (const f of output) if (!isOutputFormat(f)) fail('output', accepted, f);
  return [...new Set(output as OutputFormat[])];
}

function resolveFileName(fileName: ProfilerOptions['fileName']): ResolvedOptions['fileName'] {
  if (typeof fileName === 'function') return fileName;
  if (typeof fileName !== 'string') return fail('fileName', 'a template string or a function', fileName);
  if (fileName.length === 0) fail('fileName', 'a non-empty template string or a function', fileName);
  for (const m of fileName.matchAll(/\{([^}]*)\}/g)) {
    if (!FILE_NAME_KEYS.includes(m[1]!)) {
      fail('fileName', 'a template using {timestamp} {method} {path} {status} {duration} {id} {ext}', fileName);
    }
  }
  return fileName;
}

/**
 * Validates every option once, when the middleware is created: the user's options spread over
 * DEFAULTS, each checked. Throws a TypeError naming the option.
 */
export function resolveOptions(raw: ProfilerOptions = {}): ResolvedOptions {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('options', 'an object', raw);
  const opts = ownOptions(raw);
  rejectUnknown(opts, OPTION_NAMES, '');
  const o = withDefaults(DEFAULTS, opts);
  const bool = (name: 'printEachRequest' | 'serverTiming' | 'sourceMaps'): boolean =>
    check(name, o[name], (v) => typeof v === 'boolean', 'a boolean');
  const number = (name: 'slowThreshold' | 'maxDuration', ok: (v: number) => boolean, what: string): number =>
    check(name, o[name], (v) => isFiniteNumber(v) && ok(v), what);
  const optString = (name: 'outputDir' | 'queryParam' | 'header', pattern?: RegExp, what = 'a non-empty string') =>
    o[name] === undefined
      ? undefined
      : check<string>(name, o[name], (v) => typeof v === 'string' && v !== '' && (!pattern || pattern.test(v)), what);
  const optFunction = <T>(name: 'allow' | 'onReport', v: T | undefined): T | undefined =>
    v === undefined ? v : check<T>(name, v, (f) => typeof f === 'function', 'a function');
  const interval = common.interval(o.interval);
  const enabled = resolveEnabled(o.enabled);
  const output = resolveOutput(o.output);
  const fileName = resolveFileName(o.fileName);
  const slowThreshold = number('slowThreshold', (v) => v >= 0, 'a number of milliseconds ≥ 0');
  const logger = common.logger(o.logger);
  const sampler = common.sampler(o.sampler);
  const maxConcurrent = check<number>(
    'maxConcurrent',
    o.maxConcurrent,
    (v) => isInteger(v, 1, 1000),
    'an integer between 1 and 1000',
  );
  // Node clamps a timer above 2³¹−1 ms to 1 ms: such a bound would cut every request at once.
  const maxDuration = number(
    'maxDuration',
    (v) => v > 0 && v <= MAX_TIMER_MS,
    `a number of milliseconds in (0, ${MAX_TIMER_MS}]`,
  );
  const attribution = common.attribution(o.attribution);
  const maxFiles =
    o.maxFiles === undefined
      ? undefined
      : check<number>(
          'maxFiles',
          o.maxFiles,
          (v) => isInteger(v, 1),
          'an integer ≥ 1 (report files kept in outputDir)',
        );
  const maxPendingWrites = check<number>(
    'maxPendingWrites',
    o.maxPendingWrites,
    (v) => isInteger(v, 1, 100_000),
    'an integer between 1 and 100000',
  );
  const queryParam = optString('queryParam', /^[A-Za-z0-9_.-]+$/, 'a query parameter name (letters, digits, _ . -)');
  const header = optString('header', /^[A-Za-z0-9-]+$/, 'an HTTP header name');
  // Colour by default only where the text goes to a terminal through our own console logger.
  const outputDir = optString('outputDir');
  const dashboard = resolveDashboard(opts.dashboard);
  const aggregate = resolveAggregate(opts.aggregate, dashboard, outputDir);
  const colorDefault = opts.logger === undefined && proc?.stdout?.isTTY === true && proc?.env?.NO_COLOR === undefined;
  return {
    interval,
    enabled,
    maybeEnabled: o.enabled !== false && o.enabled !== 0,
    output,
    printEachRequest: bool('printEachRequest'),
    outputDir,
    fileName,
    queryParam,
    header: header?.toLowerCase(),
    allow: optFunction('allow', o.allow),
    slowThreshold,
    render: fillRenderOptions(resolveRenderOptions(opts.render), colorDefault),
    onReport: optFunction('onReport', o.onReport),
    serverTiming: bool('serverTiming'),
    logger,
    sampler,
    maxConcurrent,
    maxDuration,
    attribution,
    maxFiles,
    maxPendingWrites,
    sourceMaps: bool('sourceMaps'),
    dashboard,
    aggregate,
  };
}
