import { resolvePath } from './prefix.js';
import type { Segment } from './sampler/segment.js';
import type { CallFrame, Microseconds } from './types.js';

/**
 * The samples of one recording, independent of V8's node ids: a frame table, a stack table
 * (each stack is a parent stack plus a frame, a prefix tree), and per sample its stack,
 * timestamp and weight. Every renderer and exporter starts from this.
 */
export interface Samples {
  frames: CallFrame[];
  /** Per stack: parent stack index (-1 at the top) and frame index. */
  stackParent: number[];
  stackFrame: number[];
  /** Per sample. */
  stacks: Int32Array;
  /** Absolute monotonic µs. */
  timestamps: Float64Array;
  /** µs of wall time each sample stands for: the gap since the previous sample (or the start). */
  weights: Float64Array;
  /** The recording's window, monotonic µs. */
  start: Microseconds;
  end: Microseconds;
  interval: Microseconds;
}

/** Pseudo-frame for time a request spent waiting while other code ran. */
export const AWAIT_FRAME: CallFrame = { functionName: '(await)', url: '', lineNumber: 0, columnNumber: 0 };

/** Pseudo-frame for time a request waited while the thread ran other code (other requests' work). */
export const AWAIT_BUSY_FRAME: CallFrame = { functionName: '(await busy)', url: '', lineNumber: 0, columnNumber: 0 };

/** Pseudo-frame for prof's own bookkeeping inside a request (Node's async hooks run for prof). */
export const PROF_FRAME: CallFrame = { functionName: '(prof)', url: '', lineNumber: 0, columnNumber: 0 };

/** Which context ran when, for one recording (see sampler/context.ts). */
export interface Ownership {
  /** The recording's context was running at time t. */
  at(t: number): boolean;
  /** µs of [a, b] during which the recording's context was running. */
  overlap(a: number, b: number): number;
}

export function frameKey(f: CallFrame): string {
  return `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
}

/** Builds the interning tables incrementally (used to cut recordings and to load files). */
export class SamplesBuilder {
  readonly frames: CallFrame[] = [];
  readonly stackParent: number[] = [];
  readonly stackFrame: number[] = [];
  private readonly frameIndex = new Map<string, number>();
  private readonly stackIndex = new Map<string, number>();
  private stacks: number[] = [];
  private times: number[] = [];

  frame(f: CallFrame): number {
    const key = frameKey(f);
    let i = this.frameIndex.get(key);
    if (i === undefined) {
      i = this.frames.length;
      this.frames.push({
        functionName: f.functionName,
        url: f.url,
        lineNumber: f.lineNumber,
        columnNumber: f.columnNumber,
      });
      this.frameIndex.set(key, i);
    }
    return i;
  }

  stack(parent: number, frame: number): number {
    const key = `${parent}:${frame}`;
    let i = this.stackIndex.get(key);
    if (i === undefined) {
      i = this.stackParent.length;
      this.stackParent.push(parent);
      this.stackFrame.push(frame);
      this.stackIndex.set(key, i);
    }
    return i;
  }

  sample(stack: number, time: number): void {
    this.stacks.push(stack);
    this.times.push(time);
  }

  private awaitStack = -1;
  private busyStack = -1;

  /** Adds the samples of a segment that fall in [start, end]. */
  addSegment(seg: Segment, start: number, end: number): void {
    const memo: (number | undefined)[] = [];
    const step = (parent: number, node: number): number => this.stack(parent, this.frame(seg.frames[node]!));
    const { sampleTime, sampleNode } = seg;
    for (let i = 0; i < sampleTime.length; i++) {
      const t = sampleTime[i]!;
      if (t < start || t > end) continue;
      this.sample(resolvePath(sampleNode[i]!, seg.parent, memo, -1, step), t);
    }
  }

  /**
   * The samples in time order, each weighted by the time since the previous one. With `own`,
   * samples taken while another context ran go to one `(await)` frame, and each gap is split
   * between the recording's own time and waiting by the context timeline, so own time is
   * right to the transition rather than to the sample; the tree still sums to the wall time.
   */
  build(start: number, end: number, interval: number, own?: Ownership): Samples {
    // Samples may arrive from two overlapping segments: order by time and drop duplicates.
    const order = this.times.map((_, i) => i).sort((a, b) => this.times[a]! - this.times[b]!);
    const stacks: number[] = [];
    const timestamps: number[] = [];
    let last = -Infinity;
    for (const i of order) {
      const t = this.times[i]!;
      if (t === last) continue;
      stacks.push(this.stacks[i]!);
      timestamps.push(t);
      last = t;
    }
    const weights = new Float64Array(timestamps.length);
    let prev = start;
    if (!own) {
      for (let i = 0; i < timestamps.length; i++) {
        const t = timestamps[i]!;
        weights[i] = Math.max(t - prev, 0);
        prev = t;
      }
    } else {
      if (this.awaitStack < 0 && timestamps.length) {
        this.awaitStack = this.stack(-1, this.frame(AWAIT_FRAME));
        this.busyStack = this.stack(-1, this.frame(AWAIT_BUSY_FRAME));
      }
      // Time of one kind inside a sample of the other kind goes to the nearest sample of its kind.
      let lastOwn = -1;
      let lastAwait = -1;
      let carryOwn = 0;
      let carryAwait = 0;
      for (let i = 0; i < timestamps.length; i++) {
        const t = timestamps[i]!;
        const gap = Math.max(t - prev, 0);
        const mine = Math.min(own.overlap(prev, t), gap);
        if (own.at(t)) {
          weights[i] = mine + carryOwn;
          carryOwn = 0;
          if (lastAwait >= 0) weights[lastAwait] = weights[lastAwait]! + gap - mine;
          else carryAwait += gap - mine;
          lastOwn = i;
        } else {
          // The thread idle: waiting for I/O or timers; else running other contexts' work.
          const idle = this.frames[this.stackFrame[stacks[i]!]!]!.functionName === '(idle)';
          stacks[i] = idle ? this.awaitStack : this.busyStack;
          weights[i] = gap - mine + carryAwait;
          carryAwait = 0;
          if (lastOwn >= 0) weights[lastOwn] = weights[lastOwn]! + mine;
          else carryOwn += mine;
          lastAwait = i;
        }
        prev = t;
      }
      // Nothing of one kind to carry to: keep the time anyway, so the sum stays the wall time.
      if (timestamps.length) weights[timestamps.length - 1] = weights[timestamps.length - 1]! + carryOwn + carryAwait;
    }
    return {
      frames: this.frames,
      stackParent: this.stackParent,
      stackFrame: this.stackFrame,
      stacks: Int32Array.from(stacks),
      timestamps: Float64Array.from(timestamps),
      weights,
      start,
      end,
      interval,
    };
  }
}
