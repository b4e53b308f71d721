import { builtin } from '../runtime.js';
import type { CallFrame } from './backend.js';

/**
 * Samples of V8's async stack traces, taken where promises are created, so that a continuation
 * whose function no CPU sample caught running synchronously still finds its callers (the chain
 * V8 prints as `at async ArticleService.findAll`).
 *
 * A stack captured in a promise hook's *init* holds the synchronous callers and the async chain;
 * in *before* it holds neither (measured, notes/async.md). A capture costs 2–4 µs, so only some
 * are taken: the first WARM_INITS promise creations while attributed recordings are open (the
 * first requests of a process, which no earlier report can help), plus a few more each time a
 * report met a continuation whose callers nobody knew (armAsyncCaptures). The hook is installed
 * only while captures are due: merely being called for every promise cost 60–100 µs per request
 * of 200 async calls on Node 24 (bench/run.mjs attribution section, 0.54× → 0.73× bare without
 * it). The call sites are kept raw (bounded) and turned into frames only when a report is stitched.
 */
const WARM_INITS = 64;
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
/** An attributed recording is open: captures may be taken. */
let wanted = false;
let inits = 0;
let pending: Site[][] = [];
let boost = 0;

const due = (): boolean => boost > 0 || inits < WARM_INITS;

/** Takes the next n promise creations' stacks too: a report could not place some continuation. */
export function armAsyncCaptures(n: number): void {
  boost = Math.min(boost + n, MAX_BOOST);
  install();
}

const structured = (_e: Error, sites: Site[]): Site[] => sites;

function onInit(): void {
  if (boost > 0) boost--;
  else if (inits < WARM_INITS) inits++;
  else return;
  // Not from inside the hook's own dispatch: Node iterates its hook list while calling it.
  if (!due()) queueMicrotask(uninstall);
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

function install(): void {
  if (stop || !wanted || !due()) return;
  const v8 = builtin('node:v8');
  if (!v8?.promiseHooks) return;
  try {
    stop = v8.promiseHooks.onInit(onInit) as () => void;
  } catch {
    stop = undefined;
  }
}

function uninstall(): void {
  if (due() && wanted) return;
  stop?.();
  stop = undefined;
}

/** Captures may be taken from now on (an attributed recording opened). */
export function startAsyncCapture(): void {
  wanted = true;
  install();
}

export function stopAsyncCapture(): void {
  wanted = false;
  uninstall();
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
