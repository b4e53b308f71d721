import { resolvePath } from '../prefix.js';
import { builtin } from '../runtime.js';
import type { Samples } from '../samples.js';
import type { CallFrame } from '../types.js';
import { isSpliced } from '../tree/build.js';
import type { FrameClassifier, FrameInfo } from '../tree/frames.js';
import type { Microseconds } from '../types.js';

/**
 * A recording's samples with V8's `(root)` and prof's own frames spliced out, as every exporter
 * wants them: a frame table (raw V8 frame and its readable info), a prefix tree of stacks over
 * it, and per sample its stack (-1: nothing but the root), timestamp and weight (µs).
 */
export interface ExportStacks {
  raw: CallFrame[];
  info: FrameInfo[];
  stackParent: number[];
  stackFrame: number[];
  sampleStack: Int32Array;
  timestamps: Float64Array;
  weights: Float64Array;
  start: Microseconds;
  end: Microseconds;
  interval: Microseconds;
}

export function exportStacks(s: Samples, classifier: FrameClassifier): ExportStacks {
  const raw: CallFrame[] = [];
  const info: FrameInfo[] = [];
  const frameMap = new Int32Array(s.frames.length).fill(-2);
  const mapFrame = (fi: number): number => {
    let m = frameMap[fi]!;
    if (m !== -2) return m;
    const f = classifier.info(s.frames[fi]!);
    if (isSpliced(f)) m = -1;
    else {
      m = raw.length;
      raw.push(s.frames[fi]!);
      info.push(f);
    }
    frameMap[fi] = m;
    return m;
  };
  const stackParent: number[] = [];
  const stackFrame: number[] = [];
  const index = new Map<string, number>();
  const step = (cur: number, sid: number): number => {
    const f = mapFrame(s.stackFrame[sid]!);
    if (f < 0) return cur;
    const key = `${cur}:${f}`;
    let next = index.get(key);
    if (next === undefined) {
      next = stackParent.length;
      stackParent.push(cur);
      stackFrame.push(f);
      index.set(key, next);
    }
    return next;
  };
  const memo: (number | undefined)[] = [];
  const sampleStack = new Int32Array(s.stacks.length);
  for (let i = 0; i < s.stacks.length; i++) sampleStack[i] = resolvePath(s.stacks[i]!, s.stackParent, memo, -1, step);
  return {
    raw,
    info,
    stackParent,
    stackFrame,
    sampleStack,
    timestamps: s.timestamps,
    weights: s.weights,
    start: s.start,
    end: s.end,
    interval: s.interval,
  };
}

/** Frame indices of a stack, outermost first. */
export function framesOf(x: Pick<ExportStacks, 'stackParent' | 'stackFrame'>, stack: number): number[] {
  const out: number[] = [];
  for (let s = stack; s >= 0; s = x.stackParent[s]!) out.push(x.stackFrame[s]!);
  return out.reverse();
}

/** A script location as a URL DevTools and pprof tools can open: `file://` for absolute paths. */
export function scriptUrl(url: string): string {
  if (url === '' || (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url))) return url;
  const u = builtin('node:url');
  if (u && (url.startsWith('/') || /^[a-z]:[\\/]/i.test(url))) return u.pathToFileURL(url).href;
  return url.startsWith('/') ? `file://${encodeURI(url)}` : url;
}
