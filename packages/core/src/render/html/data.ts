import { exportStacks } from '../../export/stacks.js';
import type { Report, ReportMeta } from '../../report.js';

/** Frame kinds, as small numbers in the embedded data. */
export const KIND_CODES: readonly string[] = ['app', 'library', 'native', 'idle', 'program', 'gc', 'root', 'prof', 'await'];

/**
 * What the HTML viewer embeds, compact so a 60 s profile stays small:
 * - frames: [name, file, line, column, kind code, library]
 * - stacks: flat [parent, frame, parent, frame, …] (a prefix tree, parent -1 at the top)
 * - weights: flat [stack, µs, …], every stack's exact total self time (the call tree's source)
 * - timeline: flat [stack, µs, …], the samples in time order with consecutive identical stacks
 *   merged; beyond MAX_RUNS runs, neighbouring runs are merged into the heaviest of them so the
 *   timeline keeps its shape (the call tree stays exact).
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
}

export const MAX_RUNS = 20_000;

export function buildHtmlData(report: Report): HtmlData {
  const x = exportStacks(report);
  const frames = x.info.map((f) => [f.name, f.file, f.line, f.column, Math.max(0, KIND_CODES.indexOf(f.kind)), f.library ?? ''] as HtmlData['frames'][number]);
  const stacks: number[] = [];
  for (let s = 0; s < x.stackParent.length; s++) stacks.push(x.stackParent[s]!, x.stackFrame[s]!);
  const self = new Map<number, number>();
  let total = 0;
  const runStacks: number[] = [];
  const runTimes: number[] = [];
  for (let i = 0; i < x.sampleStack.length; i++) {
    const s = x.sampleStack[i]!;
    const w = x.weights[i]!;
    total += w;
    self.set(s, (self.get(s) ?? 0) + w);
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
  return { v: 1, meta: report.meta, total: Math.round(total), frames, stacks, weights, timeline, resampled };
}
