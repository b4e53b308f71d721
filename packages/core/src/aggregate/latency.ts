import type { Milliseconds } from '../types.js';

// A DDSketch-style log histogram (Masson et al., "DDSketch", VLDB 2019): bucket k holds the
// values in (γ^(k-1), γ^k], γ = (1+α)/(1-α), so any quantile is answered within α = 1 % of the
// true value whatever the distribution; sketches merge exactly (the rolling window is a merge of
// per-slice sketches); past BIN_LIMIT buckets the lowest are folded together (the fast end loses
// accuracy, never the tail). Written here rather than taken from @datadog/sketches-js: that
// package require()s protobufjs, which it does not depend on, so bundling core (workerd, an
// esbuild-bundled server) failed to resolve it.
const RELATIVE_ACCURACY = 0.01;
const GAMMA = (1 + RELATIVE_ACCURACY) / (1 - RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);
const BIN_LIMIT = 2048;
/** Values below this (ms) go to one zero bucket: 1 µs. */
const MIN_VALUE = 1e-3;

/** Latency distribution of one window slice, or of several merged. */
export class LatencySketch {
  /** Counts of buckets offset … offset + bins.length - 1, dense. */
  private bins = new Uint32Array(0);
  private offset = 0;
  private zero = 0;
  count = 0;
  private lo = Infinity;
  private hi = -Infinity;

  add(ms: Milliseconds): void {
    const v = Math.max(ms, 0);
    this.count++;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    if (v < MIN_VALUE) this.zero++;
    else this.addToBucket(Math.ceil(Math.log(v) / LOG_GAMMA), 1);
  }

  merge(other: LatencySketch): void {
    if (other.count === 0) return;
    this.count += other.count;
    this.zero += other.zero;
    if (other.lo < this.lo) this.lo = other.lo;
    if (other.hi > this.hi) this.hi = other.hi;
    const b = other.bins;
    for (let i = 0; i < b.length; i++) if (b[i]) this.addToBucket(other.offset + i, b[i]!);
  }

  private addToBucket(key: number, n: number): void {
    if (this.bins.length === 0) {
      this.bins = new Uint32Array(64);
      this.offset = key - 32;
    }
    if (key < this.offset || key >= this.offset + this.bins.length) this.grow(key);
    // Below the lowest bucket kept (BIN_LIMIT reached): folded into it.
    this.bins[Math.max(key, this.offset) - this.offset]! += n;
  }

  /** Makes room for `key`, with spare room on the side that grew; at most BIN_LIMIT buckets, the lowest folded. */
  private grow(key: number): void {
    const oldLo = this.offset;
    const oldHi = this.offset + this.bins.length - 1;
    const lo = Math.min(oldLo, key);
    const hi = Math.max(oldHi, key);
    const len = Math.min(BIN_LIMIT, Math.max(hi - lo + 1, this.bins.length * 2));
    let start = key < oldLo ? hi - len + 1 : lo;
    if (hi - start + 1 > len) start = hi - len + 1;
    const next = new Uint32Array(len);
    for (let i = 0; i < this.bins.length; i++) {
      const c = this.bins[i];
      if (c) next[Math.max(oldLo + i, start) - start]! += c;
    }
    this.bins = next;
    this.offset = start;
  }

  /** The q-quantile (0..1) in ms; 0 when empty. */
  quantile(q: number): Milliseconds {
    if (this.count === 0) return 0;
    const rank = q * (this.count - 1);
    let seen = this.zero;
    let v = 0;
    if (seen <= rank) {
      for (let i = 0; i < this.bins.length; i++) {
        seen += this.bins[i]!;
        if (seen > rank) {
          v = (2 * GAMMA ** (this.offset + i)) / (GAMMA + 1);
          break;
        }
      }
    }
    // A bucket's representative value: clamp it to what was seen.
    return Math.min(Math.max(v, this.lo), this.hi);
  }

  get max(): Milliseconds {
    return this.count === 0 ? 0 : this.hi;
  }

  /** Bytes held, roughly. */
  bytes(): number {
    return 80 + this.bins.byteLength;
  }
}
