import { assembleMeta } from './meta.js';
import { resolveProfileOptions, type ProfileOptions } from './options.js';
import { Report } from './report.js';
import { getSharedSampler } from './sampler/registry.js';
import type { Recording } from './sampler/shared.js';

export type { ProfileOptions };

/** Profiles any function, sync or async. Its own errors propagate unchanged. */
export async function profile(fn: () => unknown, options: ProfileOptions = {}): Promise<Report> {
  if (typeof fn !== 'function') throw new TypeError('prof: profile(fn) needs a function');
  const o = resolveProfileOptions(options);
  const sampler = getSharedSampler(o.sampler, o.interval, o.logger);
  const startedAt = new Date().toISOString();
  let rec!: Recording;
  const run = (): unknown => {
    rec = sampler.begin(o.attribution === 'context');
    return fn();
  };
  try {
    // A scope of its own: the context opened for fn must not leak into the caller's.
    await (o.attribution === 'context' ? sampler.isolate(run) : run());
  } catch (err) {
    sampler.discard(rec);
    throw err;
  }
  const samples = await sampler.end(rec);
  const name = o.name ?? (fn.name || 'anonymous function');
  const meta = assembleMeta(samples, { name, startedAt, interval: sampler.interval, sampler: sampler.name });
  return new Report(samples, meta, o.render, false, { sourceMaps: o.sourceMaps, logger: o.logger });
}
