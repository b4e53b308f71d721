import { resolvePath } from '../prefix.js';
import { frameKey, type Samples } from '../samples.js';
import type { CallFrame } from '../types.js';

/**
 * One route's frames and stacks (a prefix tree, like Samples'), capped at `maxStacks` nodes:
 * once full, a sample whose stack is new is charged to its deepest stack already known, so the
 * totals stay right and only depth is lost. Compaction (at window rotation) drops the nodes no
 * live sample uses.
 */
export class StackTable {
  frames: CallFrame[] = [];
  stackParent: number[] = [];
  stackFrame: number[] = [];
  private frameIndex = new Map<string, number>();
  private stackIndex = new Map<number, Map<number, number>>();
  /** Recorded stacks cut short (charged to a shallower stack) because the table was full. */
  truncated = 0;

  constructor(readonly maxStacks: number) {}

  get size(): number {
    return this.stackParent.length;
  }

  private frame(f: CallFrame): number {
    const key = frameKey(f);
    let i = this.frameIndex.get(key);
    if (i === undefined) {
      i = this.frames.length;
      this.frames.push(f);
      this.frameIndex.set(key, i);
    }
    return i;
  }

  /** The stack `parent → frame`, or `parent` itself when the table is full (-1: none fits). */
  private stack(parent: number, f: CallFrame): number {
    let children = this.stackIndex.get(parent);
    const seen = this.frameIndex.get(frameKey(f));
    const known = seen === undefined ? undefined : children?.get(seen);
    if (known !== undefined) return known;
    if (this.size >= this.maxStacks) {
      this.truncated++;
      return parent;
    }
    const frame = seen ?? this.frame(f);
    if (!children) this.stackIndex.set(parent, (children = new Map()));
    const i = this.stackParent.length;
    this.stackParent.push(parent);
    this.stackFrame.push(frame);
    children.set(frame, i);
    return i;
  }

  /**
   * Maps every stack of `samples` into this table; returns, per stack of `samples`, its index here
   * (-1: dropped, only when the table was full before its first frame). Cost: one step per stack
   * of the recording, not per sample.
   */
  intern(samples: Samples): Int32Array {
    const memo: (number | undefined)[] = [];
    const out = new Int32Array(samples.stackParent.length).fill(-1);
    const step = (parent: number, node: number): number => {
      const f = samples.frames[samples.stackFrame[node]!]!;
      // A full table hands back the parent: the frame is not added, its time goes up one level.
      return this.stack(parent, f);
    };
    const seen = new Uint8Array(samples.stackParent.length);
    for (let i = 0; i < samples.stacks.length; i++) {
      const s = samples.stacks[i]!;
      if (seen[s]) continue;
      seen[s] = 1;
      out[s] = resolvePath(s, samples.stackParent, memo, -1, step);
    }
    return out;
  }

  /**
   * Keeps only the stacks in `live` and their ancestors, renumbered; returns old → new index
   * (-1: dropped) so the caller can remap its weights.
   */
  compact(live: Iterable<number>): Int32Array {
    const keep = new Uint8Array(this.size);
    for (const s of live) {
      for (let n = s; n >= 0 && !keep[n]; n = this.stackParent[n]!) keep[n] = 1;
    }
    const remap = new Int32Array(this.size).fill(-1);
    const old = { frames: this.frames, parent: this.stackParent, frame: this.stackFrame };
    this.frames = [];
    this.stackParent = [];
    this.stackFrame = [];
    this.frameIndex = new Map();
    this.stackIndex = new Map();
    // Parents come before children in a prefix table, so one pass in index order renumbers.
    for (let n = 0; n < keep.length; n++) {
      if (!keep[n]) continue;
      const p = old.parent[n]!;
      remap[n] = this.stack(p < 0 ? -1 : remap[p]!, old.frames[old.frame[n]!]!);
    }
    return remap;
  }

  /** Rough bytes held: for the memory bound and the bench. */
  bytes(): number {
    return this.size * 64 + this.frames.length * 160;
  }
}
