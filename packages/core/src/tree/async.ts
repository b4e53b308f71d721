import { armAsyncCaptures } from '../sampler/async-capture.js';
import type { CallFrame } from '../types.js';
import { type AsyncSites, fnKey } from './async-sites.js';
import { AWAIT_FRAME, PROF_FRAME, SamplesBuilder, type Samples } from '../samples.js';

/**
 * stitchAsync: every continuation's stack is placed under the logical path that called its
 * resumed function, `[await]` under the function that resumed after the wait, prof's hooks on
 * one `[prof]` stack — same samples, same weights, new stacks.
 *
 * V8 samples only the synchronous stack, so a resumed async function starts at `runMicrotasks`
 * (or at the root, where Node drains microtasks natively) with its callers gone. Where that
 * function was called is known when a sample caught it running synchronously — in this recording
 * (preferred), or in earlier ones of the same scope, remembered process-wide as caller edges
 * (`AsyncSites`). Nothing runs at sample time: this is the whole cost of the mechanism.
 */
export function stitchAsync(
  samples: Samples,
  sites?: AsyncSites,
  scope = '',
  isOwn: (url: string) => boolean = () => false,
): Samples {
  const { frames, stackParent, stackFrame } = samples;
  const out = new SamplesBuilder();
  const fnKeys = frames.map(fnKey);
  const frameByKey = new Map<string, number>();
  fnKeys.forEach((k, i) => {
    if (!frameByKey.has(k)) frameByKey.set(k, i);
  });
  const outFrame = new Int32Array(frames.length).fill(-1);
  const frameOut = (fi: number): number => {
    let o = outFrame[fi]!;
    if (o < 0) outFrame[fi] = o = out.frame(frames[fi]!);
    return o;
  };

  // Per raw stack used by a sample: its frames (root to leaf, V8's (root) dropped) and shape.
  const infos = new Map<number, StackInfo>();
  const infoOf = (stack: number): StackInfo => {
    let info = infos.get(stack);
    if (info) return info;
    const chain: number[] = [];
    for (let s = stack; s >= 0; s = stackParent[s]!) chain.push(stackFrame[s]!);
    chain.reverse();
    info = analyse(chain, frames, isOwn);
    infos.set(stack, info);
    return info;
  };
  for (let i = 0; i < samples.stacks.length; i++) infoOf(samples.stacks[i]!);

  // Where each function was seen called synchronously in this recording: entries first.
  const seen = new Map<string, { info: StackInfo; pos: number }>();
  for (const pass of [false, true]) {
    for (const info of infos.values()) {
      if (info.kind !== 'code' || info.continuation !== pass) continue;
      for (let p = 1; p < info.rest.length; p++) {
        const k = fnKeys[info.rest[p]!]!;
        if (!seen.has(k)) seen.set(k, { info, pos: p });
      }
    }
  }

  const memo = new Map<string, number | undefined>();
  const resolving = new Set<string>();
  /** Output stack of the logical caller path of function frame fi, or undefined if unknown. */
  const callersOf = (fi: number): number | undefined => {
    const key = fnKeys[fi]!;
    if (memo.has(key)) return memo.get(key);
    if (resolving.has(key)) return undefined;
    resolving.add(key);
    let result: number | undefined;
    const cand = seen.get(key);
    if (cand && !(cand.info.continuation && fnKeys[cand.info.rest[0]!] === key)) {
      result = logical(cand.info, cand.pos);
    } else if (sites) {
      const path = sites.callers(scope, frames[fi]!);
      // Unknown: have the next requests' async stacks captured, so later reports can place it.
      if (!path) armAsyncCaptures(8);
      if (path) {
        result = -1;
        for (const f of path) {
          // The recording's own frame for the same function, if it has one (columns may differ).
          const own = frameByKey.get(fnKey(f));
          result = out.stack(result, own === undefined ? out.frame(f) : frameOut(own));
        }
      }
    }
    resolving.delete(key);
    memo.set(key, result);
    return result;
  };
  /** Output stack of the stitched path of info's first `upto` frames (from its base). */
  const logical = (info: StackInfo, upto: number): number => {
    let s = info.continuation ? (callersOf(info.rest[0]!) ?? -1) : -1;
    for (let i = 0; i < upto; i++) s = out.stack(s, frameOut(info.rest[i]!));
    return s;
  };

  // Functions known to resume after an await: this recording's continuation bases, and earlier ones'.
  const resumed = new Set<string>();
  for (const info of infos.values()) if (info.kind === 'code' && info.continuation) resumed.add(fnKeys[info.rest[0]!]!);
  const isResumable = (fi: number): boolean =>
    resumed.has(fnKeys[fi]!) || (sites?.resumes(scope, fnKeys[fi]!) ?? false);
  /** Where a wait next to this sample goes: its deepest frame that is known to await, else -1. */
  const anchorOf = (info: StackInfo): number => {
    if (info.anchor !== undefined) return info.anchor;
    info.anchor = -1;
    for (let k = info.rest.length - 1; k >= 0; k--) {
      if ((k === 0 && info.continuation) || isResumable(info.rest[k]!)) {
        info.anchor = logical(info, k + 1);
        break;
      }
    }
    return info.anchor;
  };

  const n = samples.stacks.length;
  const stacks = new Int32Array(n);
  // Per sample that ran code: the continuation it ran in (its resumed function's stack), or -1.
  const anchors = new Int32Array(n).fill(-2);
  // Callbacks (a driver's socket handler, the request's entry) and continuations of unknown
  // callers: their deepest frame known to await places a wait where it is deeper than the
  // continuations near it (a callback that awaits nothing has none).
  const grounded = new Int32Array(n).fill(-1);
  let profStack = -1;
  for (let i = 0; i < n; i++) {
    const info = infoOf(samples.stacks[i]!);
    if (info.kind === 'wait') continue;
    if (info.kind === 'prof') {
      if (profStack < 0) profStack = out.stack(-1, out.frame(PROF_FRAME));
      stacks[i] = profStack;
      continue;
    }
    stacks[i] = info.stitched ??= logical(info, info.rest.length);
    if (info.kind !== 'code') continue;
    // Only a continuation whose callers are known is in a known awaiting chain.
    if (info.continuation && callersOf(info.rest[0]!) !== undefined) anchors[i] = anchorOf(info);
    else {
      anchors[i] = -1;
      grounded[i] = anchorOf(info);
    }
  }
  // A wait goes under the continuation that ran just before or just after it, whichever is
  // deeper: the awaiting chain at the wait holds both, and sparse samples often miss the innermost.
  const depth = new Map<number, number>();
  const depthOf = (s: number): number => {
    let d = depth.get(s);
    if (d === undefined) depth.set(s, (d = s < 0 ? 0 : depthOf(out.stackParent[s]!) + 1));
    return d;
  };
  const prev = new Int32Array(n);
  const prevGrounded = new Int32Array(n);
  let last = -1;
  let lastGrounded = -1;
  for (let i = 0; i < n; i++) {
    prev[i] = last;
    prevGrounded[i] = lastGrounded;
    if (anchors[i]! >= 0) last = anchors[i]!;
    if (grounded[i]! >= 0) lastGrounded = grounded[i]!;
  }
  // No sample of this recording says where it waited: where this route usually waits.
  let fallback: number | undefined;
  const fallbackAnchor = (): number => {
    let st = -1;
    for (const f of sites?.waitPath(scope) ?? []) st = out.stack(st, out.frame(f));
    return st;
  };
  const waitWeight = new Map<number, number>();
  let next = -1;
  let nextGrounded = -1;
  for (let i = n - 1; i >= 0; i--) {
    if (anchors[i]! >= 0) next = anchors[i]!;
    if (grounded[i]! >= 0) nextGrounded = grounded[i]!;
    const info = infoOf(samples.stacks[i]!);
    if (info.kind !== 'wait') continue;
    const before = prev[i]!;
    let under = before >= 0 && depthOf(before) > depthOf(next) ? before : next;
    if (under < 0) under = fallback ??= fallbackAnchor();
    // A frame known to await in a synchronous run of this recording (the handler called from the
    // request's entry, or from a framework continuation of unknown callers, as NestJS's router)
    // is in the awaiting chain too: where it is deeper, it is nearer the wait.
    const pg = prevGrounded[i]!;
    const g = pg >= 0 && depthOf(pg) > depthOf(nextGrounded) ? pg : nextGrounded;
    if (g >= 0 && depthOf(g) > depthOf(under)) under = g;
    const leaf = info.rest[info.rest.length - 1]!;
    const wf = frames[leaf]!.functionName === '(idle)' ? out.frame(AWAIT_FRAME) : frameOut(leaf);
    stacks[i] = out.stack(under, wf);
    if (under >= 0 && under !== fallback) waitWeight.set(under, (waitWeight.get(under) ?? 0) + samples.weights[i]!);
  }
  if (sites) {
    sites.noteResumed(scope, resumed);
    let most = -1;
    for (const [st, w] of waitWeight) if (most < 0 || w > waitWeight.get(most)!) most = st;
    if (most >= 0) {
      const path: CallFrame[] = [];
      for (let st = most; st >= 0; st = out.stackParent[st]!) path.push(out.frames[out.stackFrame[st]!]!);
      sites.noteWaitPath(scope, path.reverse());
    }
  }

  if (sites) {
    for (const info of infos.values()) if (info.kind === 'code') sites.learn(scope, info.rest, frames, fnKeys);
  }
  return {
    frames: out.frames,
    stackParent: out.stackParent,
    stackFrame: out.stackFrame,
    stacks,
    timestamps: samples.timestamps,
    weights: samples.weights,
    start: samples.start,
    end: samples.end,
    interval: samples.interval,
  };
}

interface StackInfo {
  /** 'wait': `(await)`/`(idle)`; 'pseudo': GC, program; 'prof': prof's async hooks; 'code'. */
  kind: 'wait' | 'pseudo' | 'prof' | 'code';
  /** A resumed continuation: rest[0] is the function that resumed, its callers unknown. */
  continuation: boolean;
  /** Frames from the base on (microtask runners and what ran them dropped). */
  rest: number[];
  /** Memos: the output stack of the whole stack, and of its deepest frame known to await. */
  stitched?: number;
  anchor?: number;
}

const MICROTASK_RUNNERS = new Set(['runMicrotasks', 'processTicksAndRejections']);
const WAIT_FRAMES = new Set(['(idle)', '(await)', '(await busy)']);
const PSEUDO_FRAMES = new Set(['(program)', '(garbage collector)', '(root)', '(prof)']);
/** Node's async_hooks machinery: runs only because a hook (prof's context tracking) is enabled. */
const HOOK_FRAMES = new Set([
  'promiseInitHook',
  'promiseInitHookWithDestroyTracking',
  'promiseBeforeHook',
  'promiseAfterHook',
  'promiseResolveHook',
  'emitInitScript',
  'emitBeforeScript',
  'emitAfterScript',
  'emitDestroyScript',
  'emitInitNative',
  'emitHook',
]);

function analyse(chain: number[], frames: CallFrame[], isOwn: (url: string) => boolean): StackInfo {
  let start = 0;
  while (start < chain.length && frames[chain[start]!]!.functionName === '(root)' && frames[chain[start]!]!.url === '')
    start++;
  const first = frames[chain[start]!];
  if (first && first.url === '' && WAIT_FRAMES.has(first.functionName)) {
    return { kind: 'wait', continuation: false, rest: chain.slice(start) };
  }
  if (first && first.url === '' && PSEUDO_FRAMES.has(first.functionName)) {
    return { kind: 'pseudo', continuation: false, rest: chain.slice(start) };
  }
  let runner = -1;
  for (let i = start; i < chain.length; i++) {
    const f = frames[chain[i]!]!;
    if (
      (f.url === 'node:internal/async_hooks' && HOOK_FRAMES.has(f.functionName)) ||
      f.url === 'node:internal/promise_hooks'
    ) {
      return { kind: 'prof', continuation: false, rest: [] };
    }
    if (MICROTASK_RUNNERS.has(f.functionName) && (f.url === '' || f.url.startsWith('node:internal/process/')))
      runner = i;
    // prof's context hook called by V8's promise hooks (split hooks): right under the runner.
    else if (runner === i - 1 && isOwn(f.url)) return { kind: 'prof', continuation: false, rest: [] };
  }
  if (runner >= 0) return { kind: 'code', continuation: runner + 1 < chain.length, rest: chain.slice(runner + 1) };
  // Microtasks drained natively (after a callback from C++) sit right under the root; a
  // callback Node itself makes starts in node: internals.
  const url = first?.url ?? '';
  return { kind: 'code', continuation: url !== '' && !url.startsWith('node:'), rest: chain.slice(start) };
}

export { AsyncSites, fnKey, getAsyncSites } from './async-sites.js';
