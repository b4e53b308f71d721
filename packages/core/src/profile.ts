import {
  fillRenderOptions,
  resolveRenderOptions,
  type Logger,
  type RenderOptions,
  type SamplerKind,
} from './options.js';
import { Report, cpuTimeOfSamples, nextReportId } from './report.js';
import { getContextTimeline } from './sampler/context.js';
import { getSharedSampler, type Recording } from './sampler/shared.js';

export interface ProfileOptions {
  /** Sampling interval, µs. Default 1000. */
  interval?: number;
  sampler?: SamplerKind;
  /** Default render options of the report. */
  render?: RenderOptions;
  /** Shown in the report header as `Program:`. Default: the function's name. */
  name?: string;
  logger?: Logger;
  /** 'context' (default): only fn's own async context; 'window': everything the thread ran meanwhile. */
  attribution?: 'context' | 'window';
  /** Frames of compiled or bundled code at their sources, through source maps. Default true. */
  sourceMaps?: boolean;
}

const quietLogger: Logger = { info: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) };

/** Profiles any function, sync or async. Its own errors propagate unchanged. */
export async function profile(fn: () => unknown, options: ProfileOptions = {}): Promise<Report> {
  if (typeof fn !== 'function') throw new TypeError('prof: profile(fn) needs a function');
  const interval = options.interval ?? 1000;
  if (!(Number.isInteger(interval) && interval >= 50 && interval <= 1_000_000)) {
    throw new TypeError(
      `prof: option \`interval\` must be an integer number of microseconds between 50 and 1000000; got ${String(interval)}`,
    );
  }
  const render = resolveRenderOptions(options.render);
  fillRenderOptions(render);
  const sampler = getSharedSampler(options.sampler ?? 'auto', interval, options.logger ?? quietLogger);
  const attribution = options.attribution ?? 'context';
  if (attribution !== 'context' && attribution !== 'window') {
    throw new TypeError(`prof: option \`attribution\` must be 'context' or 'window'; got ${String(attribution)}`);
  }
  const sourceMaps = options.sourceMaps ?? true;
  if (typeof sourceMaps !== 'boolean') {
    throw new TypeError(`prof: option \`sourceMaps\` must be a boolean; got ${String(sourceMaps)}`);
  }
  const startedAt = new Date().toISOString();
  const timeline = attribution === 'context' ? getContextTimeline() : undefined;
  let rec!: Recording;
  const run = (): unknown => {
    rec = sampler.begin(attribution === 'context');
    return fn();
  };
  try {
    // A scope of its own: the context opened for fn must not leak into the caller's.
    await (timeline ? timeline.isolate(run) : run());
  } catch (err) {
    sampler.discard(rec);
    throw err;
  }
  const samples = await sampler.end(rec);
  return new Report(
    samples,
    {
      id: nextReportId(),
      name: options.name ?? (fn.name || 'anonymous function'),
      startedAt,
      duration: (samples.end - samples.start) / 1000,
      cpuTime: cpuTimeOfSamples(samples) / 1000,
      sampleCount: samples.stacks.length,
      interval: sampler.interval,
      sampler: sampler.name,
      truncated: false,
    },
    render,
    false,
    { sourceMaps, logger: options.logger ?? quietLogger },
  );
}
