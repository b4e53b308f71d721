import type { ExportStacks } from '../../export/stacks.js';
import { KIND_CODES } from '../../frame-kinds.js';
import type { ReportMeta } from '../../types.js';

/**
 * What the HTML viewer embeds, compact so a 60 s profile stays small:
 * - frames: [name, file, line, column, kind code, library]
 * - stacks: flat [parent, frame, parent, frame, …] (a prefix tree, parent -1 at the top)
 * - weights: flat [stack, µs, …], every stack's exact total self time (the call tree's source)
 * - timeline: flat [stack, µs, …], the samples in time order with consecutive identical stacks
 *   merged; beyond MAX_RUNS runs, neighbouring runs are merged into the heaviest of them so the
 *   timeline keeps its shape (the call tree stays exact);
 * - beyond MAX_STACKS distinct call paths, the lightest are folded into `[other frames]` nodes
 *   (totals stay exact, the detail below them is dropped).
 */
export interface HtmlData {
  v: 1;
  meta: ReportMeta;
  total: number;
  frames: [string, string, number, number, number, string][];
  stacks: number[];
  weights: number[];
  timeline: number[];
  resampled: boolean;
  /** The lightest call paths were folded into `[other frames]` nodes. */
  pruned: boolean;
}

export const MAX_RUNS = 20_000;
/** Above this many distinct call paths, the lightest ones are folded into `[other frames]`. */
export const MAX_STACKS = 20_000;

export function buildHtmlData(x: ExportStacks, meta: ReportMeta): HtmlData {
  const frames = x.info.map(
    (f) =>
      [
        f.name,
        f.file,
        f.line,
        f.column,
        Math.max(0, KIND_CODES.indexOf(f.kind)),
        f.library ?? '',
      ] as HtmlData['frames'][number],
  );
  const n = x.stackParent.length;
  // Per stack: self µs, then subtree totals (a parent's index is always below its children's).
  const selfUs = new Float64Array(n);
  let total = 0;
  let rootSelf = 0;
  for (let i = 0; i < x.sampleStack.length; i++) {
    const s = x.sampleStack[i]!;
    total += x.weights[i]!;
    if (s < 0) rootSelf += x.weights[i]!;
    else selfUs[s]! += x.weights[i]!;
  }
  const totalUs = Float64Array.from(selfUs);
  for (let s = n - 1; s >= 0; s--) {
    const p = x.stackParent[s]!;
    if (p >= 0) totalUs[p]! += totalUs[s]!;
  }
  // Keep the heaviest MAX_STACKS call paths (a kept path's ancestors are at least as heavy, so
  // they are kept too); each dropped path maps onto one `[other frames]` child of its deepest
  // kept ancestor, so the tree's totals stay exact.
  const remap = new Int32Array(n);
  const stacks: number[] = [];
  let pruned = false;
  if (n <= MAX_STACKS) {
    for (let s = 0; s < n; s++) {
      remap[s] = s;
      stacks.push(x.stackParent[s]!, x.stackFrame[s]!);
    }
  } else {
    pruned = true;
    const minUs = Float64Array.from(totalUs).sort().reverse()[MAX_STACKS]!;
    const other = frames.length;
    frames.push([
      `[other frames, each under ${(minUs / 1000).toFixed(1)} ms]`,
      '',
      0,
      0,
      KIND_CODES.indexOf('native'),
      '',
    ]);
    const otherOf = new Map<number, number>();
    let next = 0;
    for (let s = 0; s < n; s++) {
      const p = x.stackParent[s]!;
      const parent = p < 0 ? -1 : remap[p]!;
      const parentIsOther = p >= 0 && stacks[2 * parent + 1] === other;
      if (totalUs[s]! > minUs && !parentIsOther) {
        remap[s] = next++;
        stacks.push(parent, x.stackFrame[s]!);
      } else if (parentIsOther) remap[s] = parent;
      else {
        let o = otherOf.get(parent);
        if (o === undefined) {
          o = next++;
          stacks.push(parent, other);
          otherOf.set(parent, o);
        }
        remap[s] = o;
      }
    }
  }
  const self = new Map<number, number>();
  if (rootSelf > 0) self.set(-1, rootSelf);
  for (let s = 0; s < n; s++) {
    if (selfUs[s]! > 0) self.set(remap[s]!, (self.get(remap[s]!) ?? 0) + selfUs[s]!);
  }
  const runStacks: number[] = [];
  const runTimes: number[] = [];
  for (let i = 0; i < x.sampleStack.length; i++) {
    const raw = x.sampleStack[i]!;
    const s = raw < 0 ? -1 : remap[raw]!;
    const w = x.weights[i]!;
    if (runStacks.length && runStacks[runStacks.length - 1] === s) runTimes[runTimes.length - 1]! += w;
    else {
      runStacks.push(s);
      runTimes.push(w);
    }
  }
  const weights: number[] = [];
  for (const [s, us] of self) weights.push(s, Math.round(us));
  const timeline: number[] = [];
  const resampled = runStacks.length > MAX_RUNS;
  if (!resampled) {
    for (let i = 0; i < runStacks.length; i++) timeline.push(runStacks[i]!, Math.round(runTimes[i]!));
  } else {
    const quantum = total / MAX_RUNS;
    let acc = 0;
    let best = -1;
    let bestW = -1;
    for (let i = 0; i < runStacks.length; i++) {
      acc += runTimes[i]!;
      if (runTimes[i]! > bestW) {
        bestW = runTimes[i]!;
        best = runStacks[i]!;
      }
      if (acc >= quantum || i === runStacks.length - 1) {
        const n = timeline.length;
        if (n && timeline[n - 2] === best) timeline[n - 1]! += Math.round(acc);
        else timeline.push(best, Math.round(acc));
        acc = 0;
        bestW = -1;
      }
    }
  }
  return { v: 1, meta, total: Math.round(total), frames, stacks, weights, timeline, resampled, pruned };
}
