import type { Report } from '../report.js';
import type { Samples } from '../samples.js';

/** A kept full report: one of its route's slowest in the window. */
export interface Exemplar {
  report: Report;
  bytes: number;
  /** Clock ms it was added. */
  at: number;
}

/** Rough bytes a report's samples hold. */
export function samplesBytes(s: Samples): number {
  return s.stacks.length * 20 + s.stackParent.length * 24 + s.frames.length * 160;
}

/**
 * The N slowest requests of each route in the window, all routes within one byte budget: past
 * it, the globally fastest exemplar goes first. Lists are slowest first.
 */
export class ExemplarBudget {
  bytes = 0;

  constructor(
    private readonly perRoute: number,
    private readonly maxBytes: number,
  ) {}

  /** Keeps `report` in `list` if it is among the route's slowest; `lists`: every route's, to evict from. */
  keep(list: Exemplar[], report: Report, bytes: number, now: number, lists: () => Iterable<Exemplar[]>): void {
    const n = this.perRoute;
    if (n <= 0) return;
    const d = report.meta.duration;
    if (list.length >= n && d <= list[list.length - 1]!.report.meta.duration) return;
    // One huge report must not evict every route's exemplars.
    if (bytes > this.maxBytes / 8) return;
    const at = list.findIndex((e) => e.report.meta.duration < d);
    list.splice(at < 0 ? list.length : at, 0, { report, bytes, at: now });
    this.bytes += bytes;
    if (list.length > n) this.bytes -= list.pop()!.bytes;
    while (this.bytes > this.maxBytes && this.evictFastest(lists())) {}
  }

  /** Drops the exemplars added before `horizon`. */
  expire(list: Exemplar[], horizon: number): void {
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.at < horizon) this.bytes -= list.splice(i, 1)[0]!.bytes;
    }
  }

  /** Forgets a list (its route is gone). */
  release(list: Exemplar[]): void {
    for (const e of list) this.bytes -= e.bytes;
    list.length = 0;
  }

  private evictFastest(lists: Iterable<Exemplar[]>): boolean {
    let from: Exemplar[] | undefined;
    for (const l of lists) {
      const last = l[l.length - 1];
      if (last && (!from || last.report.meta.duration < from[from.length - 1]!.report.meta.duration)) from = l;
    }
    if (!from) {
      this.bytes = 0;
      return false;
    }
    this.bytes -= from.pop()!.bytes;
    return true;
  }
}
