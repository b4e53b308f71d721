import type { Logger, RenderOptions, ResolvedRenderOptions } from './types.js';

const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/**
 * Every option's default, in one place: options.ts spreads the user's options over these once,
 * and the docs' tables quote them. Options without a default (outputDir, allow, …) are absent.
 */
export const DEFAULTS = {
  interval: 1000,
  enabled: true,
  output: 'text',
  printEachRequest: true,
  // {id} makes every name unique: two requests to one path in one millisecond are common under load.
  fileName: '{timestamp}-{method}-{path}-{id}.{ext}',
  slowThreshold: 0,
  serverTiming: false,
  logger: consoleLogger,
  sampler: 'auto',
  maxConcurrent: 32,
  maxDuration: 30_000,
  attribution: 'context',
  maxPendingWrites: 64,
  sourceMaps: true,
  /** pyinstrument's console defaults; `color` is decided per profiler (TTY, logger). */
  render: {
    showAll: false,
    color: false,
    unicode: true,
    time: 'seconds',
    filterThreshold: 0.01,
    hide: [] as string[],
    show: [] as string[],
  } satisfies ResolvedRenderOptions,
} as const;

/** `base` with every field `r` sets (undefined leaves the base's value). */
export function mergeRenderOptions(base: ResolvedRenderOptions, r: RenderOptions): ResolvedRenderOptions {
  const out = { ...base };
  const into = out as Record<keyof RenderOptions, unknown>;
  for (const key of Object.keys(DEFAULTS.render) as (keyof RenderOptions)[]) {
    if (r[key] !== undefined) into[key] = r[key];
  }
  return out;
}

/** `render` options with every unset field at its default (`color` at `colorDefault`). */
export function fillRenderOptions(r: RenderOptions, colorDefault = false): ResolvedRenderOptions {
  return mergeRenderOptions({ ...DEFAULTS.render, color: colorDefault }, r);
}
