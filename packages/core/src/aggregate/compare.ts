import type { Samples } from '../samples.js';
import type { CallFrame, Milliseconds } from '../types.js';

/** One function's time per request in a route's slow requests against the rest. */
export interface ComparisonRow {
  functionName: string;
  url: string;
  lineNumber: number;
  /** The file as the call tree shows it (relative to the app, or a package's path). */
  file: string;
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
function inclusiveTimes(samples: Samples, keep: (f: CallFrame) => boolean): Map<string, number> {
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
      if ((f.functionName === '(root)' && f.url === '') || !keep(f)) continue;
      const key = `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.set(key, (out.get(key) ?? 0) + w);
    }
  }
  return out;
}

/** How the comparison sees a frame: its display file, and whether it is the app's own code. */
export type FrameLens = (f: CallFrame) => { file: string; app: boolean };

/**
 * Which functions take more time per request in the slow requests than in the rest: pure, from
 * the two merged profiles (source-mapped or not, as given). With a `lens`, only the app's own
 * functions are listed (every library frame above a slow function grows with it, and would
 * crowd it out), unless the route has none.
 */
export function compareSlowToRest(
  slow: Samples,
  slowRequests: number,
  rest: Samples,
  restRequests: number,
  lens: FrameLens = (f) => ({ file: f.url, app: true }),
  limit = 50,
): Comparison {
  const seen = new Map<CallFrame, { file: string; app: boolean }>();
  const look = (f: CallFrame): { file: string; app: boolean } => {
    let v = seen.get(f);
    if (!v) seen.set(f, (v = lens(f)));
    return v;
  };
  const anyApp = [...slow.frames, ...rest.frames].some((f) => look(f).app);
  const keep = (f: CallFrame): boolean => !anyApp || look(f).app;
  const a = inclusiveTimes(slow, keep);
  const b = inclusiveTimes(rest, keep);
  const files = new Map<string, string>();
  for (const f of [...slow.frames, ...rest.frames]) {
    files.set(`${f.functionName}\u0000${f.url}\u0000${f.lineNumber}`, look(f).file);
  }
  const rows: ComparisonRow[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const [functionName = '', url = '', line = '0'] = key.split('\u0000');
    const s = slowRequests ? (a.get(key) ?? 0) / 1000 / slowRequests : 0;
    const r = restRequests ? (b.get(key) ?? 0) / 1000 / restRequests : 0;
    const file = files.get(key) ?? url;
    rows.push({ functionName, url, lineNumber: Number(line), file, slow: s, rest: r, delta: s - r });
  }
  rows.sort((x, y) => y.delta - x.delta);
  return { slowRequests, restRequests, rows: rows.slice(0, limit) };
}
