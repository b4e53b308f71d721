import { builtin } from '../runtime.js';
import type { CallFrame } from './backend.js';

/**
 * Samples of V8's async stack traces, taken where promises are created, so that a continuation
 * whose function no CPU sample caught running synchronously still finds its callers (the chain
 * V8 prints as `at async ArticleService.findAll`).
 *
 * A stack captured in a promise hook's *init* holds the synchronous callers and the async chain;
 * in *before* it holds neither (measured, notes/async.md). A capture costs 2–4 µs, so only some
 * are taken: every init for the first WARM_INITS after the hook is enabled (the first requests
 * of a process, which no earlier report can help), then one in EVERY, plus a few more each time a
 * report met a continuation whose callers nobody knew (armAsyncCaptures). The call sites are kept
 * raw (bounded) and turned into frames only when a report is stitched.
 */
const WARM_INITS = 64;
const EVERY = 1024;
const MAX_BOOST = 256;
const MAX_PENDING = 512;

interface Site {
  isAsync?(): boolean;
  getFunctionName(): string | null;
  getFileName(): string | null | undefined;
  getScriptNameOrSourceURL?(): string | null | undefined;
  getEnclosingLineNumber?(): number | null;
  getLineNumber(): number | null;
}

let stop: (() => void) | undefined;
let inits = 0;
let pending: Site[][] = [];
let boost = 0;

/** Takes the next n promise creations' stacks too: a report could not place some continuation. */
export function armAsyncCaptures(n: number): void {
  boost = Math.min(boost + n, MAX_BOOST);
}

const structured = (_e: Error, sites: Site[]): Site[] => sites;

function onInit(): void {
  if (boost > 0) boost--;
  else if (++inits > WARM_INITS && inits % EVERY !== 0) return;
  if (pending.length >= MAX_PENDING) return;
  const prepare = Error.prepareStackTrace;
  const limit = Error.stackTraceLimit;
  try {
    Error.prepareStackTrace = structured as typeof Error.prepareStackTrace;
    Error.stackTraceLimit = 16;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder, onInit);
    const sites = holder.stack;
    if (Array.isArray(sites) && sites.length > 1) pending.push(sites as Site[]);
  } finally {
    Error.prepareStackTrace = prepare;
    Error.stackTraceLimit = limit;
  }
}

/** Starts sampling stacks at promise creation (while any attributed recording is open). */
export function startAsyncCapture(): void {
  if (stop) return;
  const v8 = builtin('node:v8');
  if (!v8?.promiseHooks) return;
  try {
    stop = v8.promiseHooks.onInit(onInit) as () => void;
  } catch {
    stop = undefined;
  }
}

export function stopAsyncCapture(): void {
  stop?.();
  stop = undefined;
}

const RUNNERS = new Set(['runMicrotasks', 'processTicksAndRejections']);

/**
 * The captured chains since the last call, callee first, as CPU-profile frames (the function's
 * line). The synchronous part stops at a microtask runner: what ran the microtask is not a
 * caller; the async frames V8 appends after it are.
 */
export function drainAsyncCaptures(): CapturedChain[] {
  const taken = pending;
  pending = [];
  const out: CapturedChain[] = [];
  for (const sites of taken) {
    const chain: CallFrame[] = [];
    let syncLength = -1;
    let skipping = false;
    for (const s of sites) {
      const isAsync = s.isAsync?.() ?? false;
      if (isAsync) skipping = false;
      if (isAsync && syncLength < 0) syncLength = chain.length;
      const name = s.getFunctionName() ?? '';
      if (!isAsync && RUNNERS.has(name)) skipping = true;
      if (skipping) continue;
      const url = s.getScriptNameOrSourceURL?.() ?? s.getFileName();
      const line = s.getEnclosingLineNumber?.() ?? null;
      // Node's promise-hook dispatcher sits under the hook: not a frame of the app.
      if (!url || line === null || url === 'node:internal/promise_hooks') continue;
      chain.push({ functionName: name, url, lineNumber: line, columnNumber: 0 });
    }
    if (chain.length > 1) out.push({ frames: chain, sync: syncLength < 0 ? chain.length : syncLength });
  }
  return out;
}

/** Callee first; frames[0..sync) were on the synchronous stack, the rest are V8's async frames. */
export interface CapturedChain {
  frames: CallFrame[];
  sync: number;
}
