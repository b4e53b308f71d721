import { reportTitle as titleOf } from '../frame-kinds.js';
import type { Report } from '../report.js';
import { builtin } from '../runtime.js';
import type { CallFrame } from '../sampler/backend.js';
import { FrameClassifier, type FrameInfo } from '../tree/frames.js';

/**
 * A report's samples with V8's `(root)` and prof's own frames spliced out, as every exporter
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
  start: number;
  end: number;
  interval: number;
}

const cache = new WeakMap<Report, ExportStacks>();

export function exportStacks(report: Report): ExportStacks {
  const hit = cache.get(report);
  if (hit) return hit;
  const s = report.samples;
  const classifier = new FrameClassifier();
  const raw: CallFrame[] = [];
  const info: FrameInfo[] = [];
  const frameMap = new Int32Array(s.frames.length).fill(-2);
  const mapFrame = (fi: number): number => {
    let m = frameMap[fi]!;
    if (m !== -2) return m;
    const f = classifier.info(s.frames[fi]!);
    if (f.kind === 'root' || f.kind === 'prof') m = -1;
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
  const stackMap = new Int32Array(s.stackParent.length).fill(-2);
  const mapStack = (id: number): number => {
    const chain: number[] = [];
    let n = id;
    while (n >= 0 && stackMap[n] === -2) {
      chain.push(n);
      n = s.stackParent[n]!;
    }
    let cur = n >= 0 ? stackMap[n]! : -1;
    for (let k = chain.length - 1; k >= 0; k--) {
      const sid = chain[k]!;
      const f = mapFrame(s.stackFrame[sid]!);
      if (f >= 0) {
        const key = `${cur}:${f}`;
        let next = index.get(key);
        if (next === undefined) {
          next = stackParent.length;
          stackParent.push(cur);
          stackFrame.push(f);
          index.set(key, next);
        }
        cur = next;
      }
      stackMap[sid] = cur;
    }
    return cur;
  };
  const sampleStack = new Int32Array(s.stacks.length);
  for (let i = 0; i < s.stacks.length; i++) sampleStack[i] = mapStack(s.stacks[i]!);
  const out: ExportStacks = {
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
  cache.set(report, out);
  return out;
}

/** Frame indices of a stack, outermost first. */
export function framesOf(x: Pick<ExportStacks, 'stackParent' | 'stackFrame'>, stack: number): number[] {
  const out: number[] = [];
  for (let s = stack; s >= 0; s = x.stackParent[s]!) out.push(x.stackFrame[s]!);
  return out.reverse();
}

/** What a report is called in tools' title bars: `GET /users/7 (200)` or the profiled function's name. */
export function reportTitle(report: Report): string {
  return titleOf(report.meta);
}

/** A script location as a URL DevTools and pprof tools can open: `file://` for absolute paths. */
export function scriptUrl(url: string): string {
  if (url === '' || (/^[a-z][a-z0-9+.-]*:/i.test(url) && !/^[a-z]:[\\/]/i.test(url))) return url;
  const u = builtin('node:url');
  if (u && (url.startsWith('/') || /^[a-z]:[\\/]/i.test(url))) return u.pathToFileURL(url).href;
  return url.startsWith('/') ? `file://${encodeURI(url)}` : url;
}
