import type { Segment } from './segment.js';

/** A profile this long with no sample at all is not V8 lagging behind under load. */
const MIN_EMPTY_SPAN_US = 20_000;
/** Empty profiles in a row spanning this long mean V8's profiler is stuck: restart it. */
const FIRST_STALL_US = 2_000_000;
/** A restart that did not help is retried after twice the wait, up to this. */
const MAX_STALL_US = 300_000_000;

/**
 * Watches the profiles a sampler rotates for a stuck V8 profiler.
 *
 * A running V8 profile takes a sample every interval, idle or busy (measured on every backend:
 * ~175 samples per idle 200 ms at 1000 µs). Under load one profile may come back empty (V8's
 * sampling thread not scheduled in time); profiles that stay empty for seconds mean the profiler
 * thread is stuck (seen on Node 26: every report of the rest of a process held no sample), and
 * only stopping every profile, which ends V8's profiler thread, and starting again brings it back.
 */
export class StallWatch {
  private emptySince: number | undefined;
  private wait = FIRST_STALL_US;

  /** True when the sampler should restart its profiler now. */
  observe(seg: Segment): boolean {
    if (seg.sampleTime.length > 0) {
      this.emptySince = undefined;
      this.wait = FIRST_STALL_US;
      return false;
    }
    if (seg.end - seg.start < MIN_EMPTY_SPAN_US) return false;
    this.emptySince ??= seg.start;
    if (seg.end - this.emptySince < this.wait) return false;
    this.emptySince = undefined;
    this.wait = Math.min(MAX_STALL_US, this.wait * 2);
    return true;
  }

  /** Seconds of empty profiles that made the last restart due (for its log line). */
  get lastWaitSeconds(): number {
    return this.wait / 2 / 1e6;
  }
}
