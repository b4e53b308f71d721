import type { Samples } from '../samples.js';
import type { Microseconds, Milliseconds } from '../types.js';
import { LatencySketch } from './latency.js';
import type { RouteKey } from './route-key.js';
import { StackTable } from './stack-table.js';
import { StackWeights } from './weights.js';

/** Which requests of a route a merged profile covers. */
export type RequestSet = 'all' | 'slow' | 'rest';

/** One slice of the rolling window: what the route's requests of that time added. */
interface Slice {
  /** Wall-clock ms the slice began. */
  start: number;
  count: number;
  slowCount: number;
  latency: LatencySketch;
  cpu: Milliseconds;
  /** Per stack of the route's table: µs, for requests above the route's p90 and the rest. */
  slow: StackWeights;
  rest: StackWeights;
}

/** What one finished request adds to its route. */
export interface RequestFacts {
  samples: Samples;
  duration: Milliseconds;
  cpuTime: Milliseconds;
  interval: Microseconds;
}

/** Latency quantiles from the window's sketch need some requests before "slow" means anything. */
const MIN_REQUESTS_FOR_SLOW = 10;
/** The p90 used to call a request slow is refreshed this often (a merge of every slice). */
const THRESHOLD_REFRESH = 32;

/**
 * One route's aggregate over a rolling window of `slices` slices of `sliceMs` each: request
 * count, latency sketch, CPU, and the merged stacks of its requests, split into slow (above the
 * window's p90 when the request arrived) and the rest.
 */
export class RouteAggregate {
  /** Requests since the profiler started (the window's count is in summary()). */
  total = 0;
  lastSeen = 0;
  interval: Microseconds = 1000;
  readonly table: StackTable;
  private readonly slices: Slice[] = [];
  private slowThreshold = Infinity;
  private sinceRefresh = 0;

  constructor(
    readonly key: RouteKey,
    private readonly sliceMs: number,
    private readonly sliceCount: number,
    maxStacks: number,
  ) {
    this.table = new StackTable(maxStacks);
  }

  /** Merges one request (called from delivery, after its response went out). */
  add(r: RequestFacts, now: number): void {
    this.rotate(now);
    const slice = this.current(now);
    // While the route is young its p90 moves fast: follow it at every request until it settles.
    if (++this.sinceRefresh >= THRESHOLD_REFRESH || this.total < 2 * THRESHOLD_REFRESH) this.refreshThreshold();
    const slow = r.duration > this.slowThreshold;
    this.total++;
    this.lastSeen = now;
    this.interval = r.interval;
    slice.count++;
    if (slow) slice.slowCount++;
    slice.latency.add(r.duration);
    slice.cpu += r.cpuTime;
    const into = slow ? slice.slow : slice.rest;
    const mapped = this.table.intern(r.samples);
    const { stacks, weights } = r.samples;
    for (let i = 0; i < stacks.length; i++) {
      const s = mapped[stacks[i]!]!;
      if (s < 0) {
        this.table.truncated++;
        continue;
      }
      into.add(s, weights[i]!);
    }
  }

  private refreshThreshold(): void {
    this.sinceRefresh = 0;
    const all = this.latency();
    this.slowThreshold = all.count >= MIN_REQUESTS_FOR_SLOW ? all.quantile(0.9) : Infinity;
  }

  private current(now: number): Slice {
    const last = this.slices[this.slices.length - 1];
    if (last && now < last.start + this.sliceMs) return last;
    const start = last ? last.start + Math.floor((now - last.start) / this.sliceMs) * this.sliceMs : now;
    const slice: Slice = {
      start,
      count: 0,
      slowCount: 0,
      latency: new LatencySketch(),
      cpu: 0,
      slow: new StackWeights(),
      rest: new StackWeights(),
    };
    this.slices.push(slice);
    return slice;
  }

  /** Drops slices older than the window; compacts the stack table when they held most of it. */
  rotate(now: number): void {
    const horizon = now - this.sliceMs * this.sliceCount;
    let dropped = 0;
    while (this.slices.length && this.slices[0]!.start + this.sliceMs <= horizon) {
      this.slices.shift();
      dropped++;
    }
    if (dropped === 0) return;
    this.refreshThreshold();
    if (this.table.size < this.table.maxStacks / 2) return;
    const live = new Uint8Array(this.table.size);
    for (const s of this.slices) {
      const mark = (k: number): void => {
        live[k] = 1;
      };
      s.slow.forEach(mark);
      s.rest.forEach(mark);
    }
    const remap = this.table.compact(liveStacks(live));
    for (const s of this.slices) {
      s.slow = s.slow.remapped(remap);
      s.rest = s.rest.remapped(remap);
    }
  }

  /** The window's latency distribution. */
  latency(): LatencySketch {
    const all = new LatencySketch();
    for (const s of this.slices) all.merge(s.latency);
    return all;
  }

  /** Requests, slow requests and CPU ms in the window; its oldest slice's start. */
  counts(): { count: number; slowCount: number; cpu: Milliseconds; since: number } {
    let count = 0;
    let slowCount = 0;
    let cpu = 0;
    for (const s of this.slices) {
      count += s.count;
      slowCount += s.slowCount;
      cpu += s.cpu;
    }
    return { count, slowCount, cpu, since: this.slices[0]?.start ?? this.lastSeen };
  }

  /** µs per stack over the window, for the requests in `set` (stacks with none are absent). */
  weights(set: RequestSet): Map<number, number> {
    const sum = new Float64Array(this.table.size);
    for (const s of this.slices) {
      const add = (k: number, w: number): void => {
        sum[k]! += w;
      };
      if (set !== 'rest') s.slow.forEach(add);
      if (set !== 'slow') s.rest.forEach(add);
    }
    const out = new Map<number, number>();
    for (let i = 0; i < sum.length; i++) if (sum[i] !== 0) out.set(i, sum[i]!);
    return out;
  }

  /**
   * The merged stacks as Samples: one sample per stack, weighted by its summed time, laid end to
   * end depth first, heaviest first, so the timeline view reads as a left-heavy flame graph.
   */
  samples(set: RequestSet): Samples {
    const w = this.weights(set);
    const stackParent = this.table.stackParent;
    const order = flameOrder(stackParent, w);
    const stacks = Int32Array.from(order);
    const weights = Float64Array.from(order, (k) => w.get(k)!);
    const timestamps = new Float64Array(order.length);
    let t = 0;
    for (let i = 0; i < order.length; i++) {
      t += weights[i]!;
      timestamps[i] = t;
    }
    return {
      frames: this.table.frames.slice(),
      stackParent,
      stackFrame: this.table.stackFrame,
      stacks,
      timestamps,
      weights,
      start: 0,
      end: t,
      interval: this.interval,
    };
  }

  /** Rough bytes held (bench, bounds): the table, the slices' weights and latency sketches. */
  bytes(): number {
    let b = this.table.bytes();
    for (const s of this.slices) b += s.slow.bytes + s.rest.bytes + s.latency.bytes() + 100;
    return b;
  }
}

function* liveStacks(live: Uint8Array): Iterable<number> {
  for (let i = 0; i < live.length; i++) if (live[i]) yield i;
}

/** The stacks with weight, depth first (a stack before its children), heavier subtrees first. */
export function flameOrder(stackParent: readonly number[], weights: ReadonlyMap<number, number>): number[] {
  const n = stackParent.length;
  const inclusive = new Float64Array(n);
  for (const [s, us] of weights) inclusive[s] = us;
  // A parent's index is below its children's (prefix table): one backward pass sums subtrees.
  for (let s = n - 1; s >= 0; s--) {
    const p = stackParent[s]!;
    if (p >= 0) inclusive[p]! += inclusive[s]!;
  }
  const children: number[][] = [];
  const roots: number[] = [];
  for (let s = 0; s < n; s++) {
    if (inclusive[s] === 0) continue;
    const p = stackParent[s]!;
    if (p < 0) roots.push(s);
    else (children[p] ??= []).push(s);
  }
  const heavier = (a: number, b: number): number => inclusive[b]! - inclusive[a]! || a - b;
  const out: number[] = [];
  const todo = roots.sort(heavier).reverse();
  while (todo.length) {
    const s = todo.pop()!;
    if (weights.has(s)) out.push(s);
    const c = children[s];
    if (c) todo.push(...c.sort(heavier).reverse());
  }
  return out;
}
