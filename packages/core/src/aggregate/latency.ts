import { LogCollapsingLowestDenseDDSketch } from '@datadog/sketches-js';
import type { Milliseconds } from '../types.js';

// DDSketch (Datadog's, maintained, no dependencies) rather than an exact reservoir: its quantiles
// are within 1 % of the true value whatever the distribution, slices merge exactly (the rolling
// window is a merge of per-slice sketches), and the collapsing store caps it at BIN_LIMIT bins
// (~16 KB) however many requests it sees. An exact reservoir would have to drop samples to stay
// bounded, and then the slow tail is what it loses.
const RELATIVE_ACCURACY = 0.01;
const BIN_LIMIT = 2048;

/** Latency distribution of one window slice, or of several merged. */
export class LatencySketch {
  private readonly sketch = new LogCollapsingLowestDenseDDSketch({
    relativeAccuracy: RELATIVE_ACCURACY,
    binLimit: BIN_LIMIT,
  });

  add(ms: Milliseconds): void {
    // DDSketch maps values ≤ its minimum indexable value to a zero bucket: fine for 0 ms.
    this.sketch.accept(Math.max(ms, 0));
  }

  merge(other: LatencySketch): void {
    if (other.sketch.count > 0) this.sketch.merge(other.sketch);
  }

  get count(): number {
    return this.sketch.count;
  }

  /** The q-quantile (0..1) in ms; 0 when empty. */
  quantile(q: number): Milliseconds {
    if (this.sketch.count === 0) return 0;
    // The sketch's answer is a bucket's representative value: clamp it to what was seen.
    const v = this.sketch.getValueAtQuantile(q);
    return Math.min(Math.max(v, this.sketch.min), this.sketch.max);
  }

  /** Rough bytes held: the dense store spans min..max in log steps of 2 % (plus a chunk), 8 bytes a bin. */
  bytes(): number {
    const { count, min, max } = this.sketch;
    if (count === 0) return 200;
    const gamma = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
    const bins = Math.log(Math.max(max, 1e-3) / Math.max(min, 1e-3)) / Math.log(gamma) + 128;
    return 200 + 8 * Math.min(BIN_LIMIT, Math.ceil(bins));
  }

  get max(): Milliseconds {
    return this.sketch.count === 0 ? 0 : this.sketch.max;
  }
}
