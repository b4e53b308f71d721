import { resolvePath } from '../prefix.js';
import type { Samples } from '../samples.js';
import type { CallFrame } from '../types.js';

/**
 * Frame → index by url, name and position, in nested maps: a lookup hashes strings the frame
 * already holds (V8 caches a string's hash) instead of building a key string per frame, which
 * was most of a merge's cost.
 */
class FrameIndex {
  private readonly byUrl = new Map<string, Map<string, Map<number, number>>>();

  get(f: CallFrame): number | undefined {
    return this.byUrl
      .get(f.url)
      ?.get(f.functionName)
      ?.get(f.lineNumber * 2 ** 32 + f.columnNumber);
  }

  set(f: CallFrame, i: number): void {
    let byName = this.byUrl.get(f.url);
    if (!byName) this.byUrl.set(f.url, (byName = new Map()));
    let byPos = byName.get(f.functionName);
    if (!byPos) byName.set(f.functionName, (byPos = new Map()));
    byPos.set(f.lineNumber * 2 ** 32 + f.columnNumber, i);
  }
}

/**
 * One route's frames and stacks (a prefix tree, like Samples'), capped at `maxStacks` nodes:
 * once full, a sample whose stack is new is charged to its deepest stack already known, so the
 * totals stay right and only depth is lost. Compaction (at window rotation) drops the nodes no
 * live sample uses.
 *
 * Stored in typed arrays with one open-addressing index (parent, frame) → stack: a Map of Maps
 * cost ~1 MB per full route, this ~16 bytes per stack.
 */
export class StackTable {
  frames: CallFrame[] = [];
  private parent = new Int32Array(64);
  private frameOf = new Int32Array(64);
  private count = 0;
  private frameIndex = new FrameIndex();
  /** Slot → stack index + 1 (0: empty); sized to twice maxStacks, a power of two. */
  private readonly slots: Int32Array;
  /** Recorded stacks cut short (charged to a shallower stack) because the table was full. */
  truncated = 0;

  constructor(readonly maxStacks: number) {
    let cap = 16;
    while (cap < 2 * maxStacks) cap *= 2;
    this.slots = new Int32Array(cap);
  }

  get size(): number {
    return this.count;
  }

  /** Per stack: its parent (-1 at the top) and frame, as Samples wants them (copies). */
  get stackParent(): number[] {
    return Array.from(this.parent.subarray(0, this.count));
  }
  get stackFrame(): number[] {
    return Array.from(this.frameOf.subarray(0, this.count));
  }

  /** The table's index of `f`, added if new. */
  private frame(f: CallFrame): number {
    let i = this.frameIndex.get(f);
    if (i === undefined) {
      i = this.frames.length;
      this.frames.push(f);
      this.frameIndex.set(f, i);
    }
    return i;
  }

  private slotOf(parent: number, frame: number): number {
    const mask = this.slots.length - 1;
    let h = (Math.imul(parent + 1, 0x9e3779b1) ^ Math.imul(frame, 0x85ebca6b)) & mask;
    for (;;) {
      const v = this.slots[h]!;
      if (v === 0 || (this.parent[v - 1] === parent && this.frameOf[v - 1] === frame)) return h;
      h = (h + 1) & mask;
    }
  }

  /**
   * The stack `parent → frame` (`frame`: the table's index, -1 when the table has no such frame
   * yet, then `add` adds it), or `parent` itself when the table is full.
   */
  private stack(parent: number, frame: number, add: () => number): number {
    if (frame >= 0) {
      const v = this.slots[this.slotOf(parent, frame)]!;
      if (v !== 0) return v - 1;
    }
    if (this.count >= this.maxStacks) {
      // Full: the frame is not added, its time goes up one level.
      this.truncated++;
      return parent;
    }
    const f = frame < 0 ? add() : frame;
    if (this.count === this.parent.length) {
      const n = Math.min(this.maxStacks, this.count * 2);
      const p = new Int32Array(n);
      p.set(this.parent);
      const fr = new Int32Array(n);
      fr.set(this.frameOf);
      this.parent = p;
      this.frameOf = fr;
    }
    const i = this.count++;
    this.parent[i] = parent;
    this.frameOf[i] = f;
    this.slots[this.slotOf(parent, f)] = i + 1;
    return i;
  }

  /**
   * Maps every stack of `samples` into this table; returns, per stack of `samples`, its index here
   * (-1: dropped, only when the table was full before its first frame). Cost: one hash probe per
   * stack of the recording, and one frame key per frame of it (not per stack, not per sample).
   */
  intern(samples: Samples): Int32Array {
    // Recording frame → table frame (-2: not looked up yet, -1: not in the table yet).
    const frameMap = new Int32Array(samples.frames.length).fill(-2);
    const tableFrame = (fi: number): number => {
      let t = frameMap[fi]!;
      if (t === -2) frameMap[fi] = t = this.frameIndex.get(samples.frames[fi]!) ?? -1;
      return t;
    };
    const memo: (number | undefined)[] = [];
    const step = (parent: number, node: number): number => {
      const fi = samples.stackFrame[node]!;
      return this.stack(parent, tableFrame(fi), () => (frameMap[fi] = this.frame(samples.frames[fi]!)));
    };
    const out = new Int32Array(samples.stackParent.length).fill(-1);
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
    const n = this.count;
    const keep = new Uint8Array(n);
    for (const s of live) {
      for (let k = s; k >= 0 && !keep[k]; k = this.parent[k]!) keep[k] = 1;
    }
    const remap = new Int32Array(n).fill(-1);
    const old = { frames: this.frames, parent: this.parent, frame: this.frameOf };
    this.frames = [];
    this.parent = new Int32Array(Math.max(64, old.parent.length));
    this.frameOf = new Int32Array(this.parent.length);
    this.count = 0;
    this.frameIndex = new FrameIndex();
    this.slots.fill(0);
    // Parents come before children in a prefix table, so one pass in index order renumbers.
    for (let k = 0; k < n; k++) {
      if (!keep[k]) continue;
      const p = old.parent[k]!;
      const f = old.frames[old.frame[k]!]!;
      remap[k] = this.stack(p < 0 ? -1 : remap[p]!, this.frameIndex.get(f) ?? -1, () => this.frame(f));
    }
    return remap;
  }

  /** Rough bytes held: for the memory bound and the bench. */
  bytes(): number {
    return this.slots.length * 4 + this.parent.length * 8 + this.frames.length * 160;
  }
}
