import { nowUs } from '../runtime.js';
import { SamplesBuilder, type Ownership, type Samples } from '../samples.js';
import type { Segment } from './segment.js';

/** One profiled span of time (a request, a profile() call) on the shared sampler. */
export interface Recording {
  readonly start: number;
  end: number | undefined;
  segments: Segment[];
  /** Context id when samples are attributed by async context (0: every sample of the window). */
  ctx: number;
  settle?: { resolve(s: Samples): void; reject(e: unknown): void };
}

/** A recording's samples: its segments cut to its start and end, its own by `own` when attributed. */
export function cut(rec: Recording, interval: number, own: Ownership | undefined): Samples {
  const builder = new SamplesBuilder();
  const end = rec.end ?? nowUs();
  for (const seg of rec.segments) {
    if (seg.end < rec.start || seg.start > end) continue;
    builder.addSegment(seg, rec.start, end);
  }
  return builder.build(rec.start, end, interval, own);
}

/**
 * A recording's own time by its samples' labels: a sample labelled with its context was its own,
 * and so was the time since the sample before (the labels say nothing finer than a sample).
 */
export function labelOwnership(rec: Recording): Ownership {
  const mine = new Set<number>();
  for (const seg of rec.segments) {
    const labels = seg.sampleLabel;
    if (!labels) continue;
    for (let i = 0; i < labels.length; i++) if (labels[i] === rec.ctx) mine.add(seg.sampleTime[i]!);
  }
  return {
    at: (t) => mine.has(t),
    overlap: (a, b) => (b > a && mine.has(b) ? b - a : 0),
  };
}
