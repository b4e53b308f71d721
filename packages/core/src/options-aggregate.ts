// The `dashboard` and `aggregate` options (DESIGN.md, "Aggregates and the dashboard"), checked
// once with the rest: a TypeError naming the option.
import type { AggregateOption, AggregateSettings } from './option-types.js';
import { check, fail, isFiniteNumber, isInteger, rejectUnknown } from './validate.js';

export const AGGREGATE_DEFAULTS = {
  /** Ten minutes: "over the last ten minutes" is the question the dashboard answers. */
  window: 600_000,
  exemplars: 5,
  every: 10_000,
} as const;

const KEYS = ['window', 'exemplars', 'file', 'every'] as const;
const MAX_TIMER_MS = 2 ** 31 - 1;

/** `'/_prof'`: a path of its own, no query, no trailing slash. */
export function resolveDashboard(v: unknown): string | undefined {
  if (v === undefined || v === false) return undefined;
  return check<string>(
    'dashboard',
    v,
    (x) => typeof x === 'string' && /^\/[^?#\s]*[^/?#\s]$/.test(x),
    "a path such as '/_prof' (starting with /, no query, no trailing slash)",
  );
}

/** `aggregate`, implied by `dashboard`; `file` needs `outputDir`. */
export function resolveAggregate(
  v: AggregateOption | undefined,
  dashboard: string | undefined,
  outputDir: string | undefined,
): AggregateSettings | undefined {
  if (v === undefined || v === false) return dashboard ? { ...AGGREGATE_DEFAULTS, file: undefined } : undefined;
  if (v === true) return { ...AGGREGATE_DEFAULTS, file: undefined };
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail('aggregate', 'true, false or { window, exemplars, file, every }', v);
  rejectUnknown(v, KEYS, 'aggregate.');
  const window = check<number>(
    'aggregate.window',
    v.window ?? AGGREGATE_DEFAULTS.window,
    (x) => isFiniteNumber(x) && x >= 1000 && x <= MAX_TIMER_MS,
    'a number of milliseconds ≥ 1000',
  );
  const exemplars = check<number>(
    'aggregate.exemplars',
    v.exemplars ?? AGGREGATE_DEFAULTS.exemplars,
    (x) => isInteger(x, 0, 100),
    'an integer between 0 and 100 (slowest reports kept per route)',
  );
  const every = check<number>(
    'aggregate.every',
    v.every ?? AGGREGATE_DEFAULTS.every,
    (x) => isFiniteNumber(x) && x >= 100 && x <= MAX_TIMER_MS,
    'a number of milliseconds ≥ 100',
  );
  const file =
    v.file === undefined
      ? undefined
      : check<string>(
          'aggregate.file',
          v.file,
          (x) => typeof x === 'string' && /^[^/\\\0]+$/.test(x) && x !== '.' && x !== '..',
          "a file name inside outputDir, e.g. 'profiling.html'",
        );
  if (file !== undefined && outputDir === undefined) fail('aggregate.file', 'used with outputDir', file);
  return { window, exemplars, every, file };
}
