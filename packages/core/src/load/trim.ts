import type { RawProfile } from '../sampler/backend.js';

/**
 * The part of a recording between `from` and `to` (the profile's clock, µs): e.g. the CLI keeps
 * the samples taken while the program ran, dropping those of its preload starting and stopping
 * the profiler. Time deltas are recomputed so the first kept sample counts from `from`.
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
