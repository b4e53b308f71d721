import { assembleMeta } from '../meta.js';
import { Report } from '../report.js';
import { SamplesBuilder, type Samples } from '../samples.js';
import type { RenderOptions, ReportMeta } from '../types.js';
import type { RawProfile } from '../types.js';
import { toSegment } from '../sampler/segment.js';

/** True for anything shaped like Chrome's `.cpuprofile` (node --cpu-prof, DevTools, node:inspector). */
export function isCpuProfile(value: unknown): value is RawProfile {
  const p = value as Partial<RawProfile> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    Array.isArray(p.nodes) &&
    Array.isArray(p.samples) &&
    Array.isArray(p.timeDeltas) &&
    typeof p.startTime === 'number' &&
    typeof p.endTime === 'number'
  );
}

export interface CpuProfileLoadOptions {
  /**
   * Chrome's format (node --cpu-prof, DevTools, node:inspector) numbers lines and columns from 0;
   * prof's own frames are 1-based. Default true.
   */
  zeroBased?: boolean;
  /** Sampling interval, µs. Default: the median gap between samples. */
  interval?: number;
}

function medianDelta(deltas: number[]): number {
  const positive = deltas.filter((d) => d > 0).sort((a, b) => a - b);
  if (positive.length === 0) return 1000;
  return Math.max(1, Math.round(positive[Math.floor(positive.length / 2)]!));
}

/** @internal The samples of a `.cpuprofile`, ready for a Report. */
export function samplesFromCpuProfile(profile: RawProfile, options: CpuProfileLoadOptions = {}): Samples {
  if (!isCpuProfile(profile))
    throw new TypeError('prof: not a .cpuprofile (expected nodes, samples, timeDeltas, startTime and endTime)');
  const zeroBased = options.zeroBased ?? true;
  const raw: RawProfile = zeroBased
    ? {
        ...profile,
        nodes: profile.nodes.map((n) => ({
          ...n,
          callFrame: {
            ...n.callFrame,
            lineNumber: n.callFrame.lineNumber >= 0 ? n.callFrame.lineNumber + 1 : 0,
            columnNumber: n.callFrame.columnNumber >= 0 ? n.callFrame.columnNumber + 1 : 0,
          },
        })),
      }
    : profile;
  const seg = toSegment(raw);
  const builder = new SamplesBuilder();
  builder.addSegment(seg, seg.start, seg.end);
  return builder.build(seg.start, seg.end, options.interval ?? medianDelta(profile.timeDeltas));
}

/** A Report over a `.cpuprofile`; `meta` fills or overrides the fields derived from the samples. */
export function reportFromCpuProfile(
  profile: RawProfile,
  meta: Partial<ReportMeta> = {},
  options: CpuProfileLoadOptions & { render?: RenderOptions; color?: boolean } = {},
): Report {
  const samples = samplesFromCpuProfile(profile, options);
  const full = assembleMeta(samples, { startedAt: new Date().toISOString(), sampler: 'inspector', ...meta });
  return new Report(samples, full, options.render, options.color ?? false);
}
