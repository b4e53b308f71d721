import { reportTitle } from '../meta.js';
import type { ReportMeta } from '../types.js';
import { framesOf, type ExportStacks } from './stacks.js';

// The subset of https://www.speedscope.app/file-format-schema.json that prof writes.
export interface SpeedscopeFile {
  $schema: 'https://www.speedscope.app/file-format-schema.json';
  shared: { frames: { name: string; file?: string; line?: number; col?: number }[] };
  profiles: {
    type: 'sampled';
    name: string;
    unit: 'microseconds';
    startValue: number;
    endValue: number;
    samples: number[][];
    weights: number[];
  }[];
  name: string;
  activeProfileIndex: number;
  exporter: string;
}

/**
 * speedscope's file format, one 'sampled' profile named after the request. Each sample's stack
 * (outermost first) with its weight in µs of wall time; consecutive identical stacks are merged,
 * which speedscope's time-ordered view renders the same.
 */
export function buildSpeedscope(x: ExportStacks, meta: ReportMeta): SpeedscopeFile {
  const frames = x.info.map((f) => {
    const out: { name: string; file?: string; line?: number; col?: number } = { name: f.name };
    if (f.file) out.file = f.file;
    if (f.line > 0) out.line = f.line;
    if (f.column > 0) out.col = f.column;
    return out;
  });
  const samples: number[][] = [];
  const weights: number[] = [];
  const stackCache = new Map<number, number[]>();
  let last = -2;
  let total = 0;
  for (let i = 0; i < x.sampleStack.length; i++) {
    const s = x.sampleStack[i]!;
    const w = x.weights[i]!;
    total += w;
    if (s === last && weights.length) {
      weights[weights.length - 1]! += w;
      continue;
    }
    let stack = stackCache.get(s);
    if (!stack) stackCache.set(s, (stack = framesOf(x, s)));
    samples.push(stack);
    weights.push(w);
    last = s;
  }
  const name = reportTitle(meta);
  return {
    $schema: 'https://www.speedscope.app/file-format-schema.json',
    shared: { frames },
    profiles: [{ type: 'sampled', name, unit: 'microseconds', startValue: 0, endValue: total, samples, weights }],
    name,
    activeProfileIndex: 0,
    exporter: 'prof',
  };
}

export function renderSpeedscope(x: ExportStacks, meta: ReportMeta): string {
  return JSON.stringify(buildSpeedscope(x, meta));
}
