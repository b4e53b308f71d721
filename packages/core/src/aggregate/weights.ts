/** A Map entry costs ~48 bytes, a dense slot 4: go dense once entries exceed 1/12 of the span. */
const DENSE_RATIO = 12;

/**
 * µs per stack of a route's table for one slice of its window: a Map while few stacks have time
 * (a quiet route, the slow set), a dense Float32Array (4 bytes per stack up to the highest used)
 * once many do. Float32 keeps ~7 digits: sums are read into doubles, a profile needs no more.
 */
export class StackWeights {
  private sparse: Map<number, number> | undefined = new Map();
  private dense = new Float32Array(0);
  private top = 0;

  add(stack: number, us: number): void {
    if (stack >= this.top) this.top = stack + 1;
    const m = this.sparse;
    if (m) {
      m.set(stack, (m.get(stack) ?? 0) + us);
      if (m.size * DENSE_RATIO > this.top && m.size > 64) this.densify();
      return;
    }
    if (stack >= this.dense.length) {
      const grown = new Float32Array(Math.max(stack + 1, this.dense.length * 2));
      grown.set(this.dense);
      this.dense = grown;
    }
    this.dense[stack]! += us;
  }

  private densify(): void {
    const d = new Float32Array(this.top);
    for (const [k, w] of this.sparse!) d[k] = w;
    this.dense = d;
    this.sparse = undefined;
  }

  /** Calls `f` for every stack with time. */
  forEach(f: (stack: number, us: number) => void): void {
    if (this.sparse) {
      for (const [k, w] of this.sparse) f(k, w);
      return;
    }
    const d = this.dense;
    for (let i = 0; i < d.length; i++) if (d[i] !== 0) f(i, d[i]!);
  }

  /** The same weights under new stack indexes (`remap[old]`, -1: dropped). */
  remapped(remap: Int32Array): StackWeights {
    const out = new StackWeights();
    this.forEach((s, w) => {
      const n = remap[s] ?? -1;
      if (n >= 0) out.add(n, w);
    });
    return out;
  }

  get bytes(): number {
    return this.sparse ? 64 + this.sparse.size * 48 : this.dense.byteLength;
  }
}
