import type { Samples } from '../samples.js';
import type { Milliseconds } from '../types.js';

/** One function's time per request in a route's slow requests against the rest. */
export interface ComparisonRow {
  functionName: string;
  url: string;
  lineNumber: number;
  /** ms per request, counting the function once per stack (inclusive time). */
  slow: Milliseconds;
  rest: Milliseconds;
  /** slow − rest: how much the function grows in slow requests. */
  delta: Milliseconds;
}

export interface Comparison {
  slowRequests: number;
  restRequests: number;
  /** Largest growth first. */
  rows: ComparisonRow[];
}

/** µs per function (name, file, line), inclusive: a frame counted once per stack however deep. */
function inclusiveTimes(samples: Samples): Map<string, number> {
  const out = new Map<string, number>();
  const perStack = new Map<number, number>();
  for (let i = 0; i < samples.stacks.length; i++) {
    const s = samples.stacks[i]!;
    perStack.set(s, (perStack.get(s) ?? 0) + samples.weights[i]!);
  }
  for (const [stack, w] of perStack) {
    const seen = new Set<string>();
    for (let n = stack; n >= 0; n = samples.stackParent[n]!) {
      const f = samples.frames[samples.stackFrame[n]!]!;
      if (f.functionName === '(root)' && f.url === '') continue;
      const key = `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.set(key, (out.get(key) ?? 0) + w);
    }
  }
  return out;
}

/**
 * Which functions take more time per request in the slow requests than in the rest: pure, from
 * the two merged profiles (source-mapped or not, as given).
 */
export function compareSlowToRest(
  slow: Samples,
  slowRequests: number,
  rest: Samples,
  restRequests: number,
  limit = 50,
): Comparison {
  const a = inclusiveTimes(slow);
  const b = inclusiveTimes(rest);
  const rows: ComparisonRow[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const [functionName = '', url = '', line = '0'] = key.split('\u0000');
    const s = slowRequests ? (a.get(key) ?? 0) / 1000 / slowRequests : 0;
    const r = restRequests ? (b.get(key) ?? 0) / 1000 / restRequests : 0;
    rows.push({ functionName, url, lineNumber: Number(line), slow: s, rest: r, delta: s - r });
  }
  rows.sort((x, y) => y.delta - x.delta);
  return { slowRequests, restRequests, rows: rows.slice(0, limit) };
}
