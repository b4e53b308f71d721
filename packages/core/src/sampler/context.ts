import type { AsyncLocalStorage, AsyncHook } from 'node:async_hooks';
import type { PromiseHooks } from 'node:v8';
import { builtin, nowUs } from '../runtime.js';
import type { Ownership } from '../samples.js';
import { startAsyncCapture, stopAsyncCapture } from './async-capture.js';

interface Store {
  readonly id: number;
}

/**
 * Which profiled request's async context is executing on the main thread, over time.
 *
 * V8 records every sample of the thread into every running profile, so overlapping requests see
 * each other's work. Each attributed recording gets an id carried by AsyncLocalStorage into every
 * callback, promise and timer its request creates; an async hook notes, as a list of transitions,
 * when execution switches between contexts. A sample belongs to a request when the context in
 * effect at its timestamp is the request's. The hook is enabled only while an attributed
 * recording is open, so nothing runs while no request is profiled.
 */
export class ContextTimeline {
  /**
   * Transition times (µs) and the context id in effect from then on (0: none), the first `length`
   * entries. Typed arrays: boxed doubles pushed onto JS arrays cost more than the hooks themselves
   * (measured: 550 → 300 µs per 400 continuations on Node 20, see notes/async.md).
   */
  times = new Float64Array(1024);
  ids = new Int32Array(1024);
  length = 0;
  private readonly als: AsyncLocalStorage<Store>;
  private readonly hook: AsyncHook;
  private current = 0;
  private stack: number[] = [];
  private open = 0;
  private enabled = false;
  private nextId = 1;

  /** Where V8's own promise hooks take the promise continuations (see split hooks below). */
  private readonly promiseHooks: PromiseHooks | undefined;
  private stopPromiseHooks: ReturnType<PromiseHooks['createHook']> | undefined;
  private readonly before: () => void;
  private readonly after: () => void;

  constructor(
    mod: NonNullable<ReturnType<typeof builtin<'node:async_hooks'>>>,
    promiseHooks: PromiseHooks | undefined = canSplitHooks(mod) ? builtin('node:v8')?.promiseHooks : undefined,
  ) {
    this.als = new mod.AsyncLocalStorage<Store>();
    const als = this.als;
    this.before = () => {
      this.stack.push(this.current);
      this.switchTo(als.getStore()?.id ?? 0);
    };
    this.after = () => {
      this.switchTo(this.stack.pop() ?? 0);
    };
    this.promiseHooks = promiseHooks;
    // Split hooks: async_hooks for callbacks (timers, sockets, the HTTP parser) only, V8's promise
    // hooks for continuations. An async hook otherwise runs Node's promise tracking (an async id
    // per promise, the id stacks) around every continuation, for prof alone once AsyncLocalStorage
    // no longer needs async_hooks (AsyncContextFrame, Node 24).
    const options = { before: this.before, after: this.after, ...(promiseHooks ? { trackPromises: false } : {}) };
    this.hook = mod.createHook(options);
  }

  /** True when this timeline takes continuations from V8's promise hooks (Node 24.21 and 26, measured). */
  get splitHooks(): boolean {
    return this.promiseHooks !== undefined;
  }

  private switchTo(id: number): void {
    if (id === this.current) return;
    this.current = id;
    let n = this.length;
    if (n === this.times.length) this.grow();
    this.times[n] = nowUs();
    this.ids[n] = id;
    this.length = ++n;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.times = times;
    this.ids = ids;
  }

  /** Opens a context for the code running now and everything it schedules. */
  enter(): number {
    const id = this.nextId++;
    if (this.nextId > 2 ** 30) this.nextId = 1;
    if (!this.enabled) {
      this.stack = [];
      this.current = 0;
      this.hook.enable();
      this.stopPromiseHooks = this.promiseHooks?.createHook({ before: this.before, after: this.after });
      startAsyncCapture();
      this.enabled = true;
    }
    this.open++;
    this.als.enterWith({ id });
    this.switchTo(id);
    return id;
  }

  /** Runs fn in a scope of its own, so that an enter() inside does not leak to the caller. */
  isolate<T>(fn: () => T): T {
    return this.als.run({ id: 0 }, fn);
  }

  leave(): void {
    this.open = Math.max(0, this.open - 1);
    if (this.open === 0 && this.enabled) {
      this.hook.disable();
      this.stopPromiseHooks?.();
      this.stopPromiseHooks = undefined;
      stopAsyncCapture();
      this.enabled = false;
      this.switchTo(0);
    }
  }

  /** Index of the last transition at or before t (-1: none). */
  private indexAt(t: number): number {
    const times = this.times;
    let lo = 0;
    let hi = this.length - 1;
    let k = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid]! <= t) {
        k = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return k;
  }

  /** When context `id` ran, as the sample builder asks it. */
  ownership(id: number): Ownership {
    return {
      at: (t) => {
        const k = this.indexAt(t);
        return k >= 0 && this.ids[k] === id;
      },
      overlap: (a, b) => {
        if (b <= a) return 0;
        const { times, ids, length } = this;
        let k = this.indexAt(a);
        let sum = 0;
        let from = a;
        for (; ; k++) {
          const until = k + 1 < length ? Math.min(times[k + 1]!, b) : b;
          if (k >= 0 && ids[k] === id && until > from) sum += until - from;
          if (until >= b) break;
          from = until;
        }
        return sum;
      },
    };
  }

  /** Forgets transitions before `before`, keeping the one in effect then. */
  trim(before: number): void {
    const k = this.indexAt(before);
    if (k > 0) {
      this.times.copyWithin(0, k, this.length);
      this.ids.copyWithin(0, k, this.length);
      this.length -= k;
    }
  }

  clear(): void {
    if (this.enabled) return;
    this.length = 0;
    if (this.times.length > 1024) {
      this.times = new Float64Array(1024);
      this.ids = new Int32Array(1024);
    }
  }
}

/**
 * Whether AsyncLocalStorage runs on AsyncContextFrame (no async hook of its own, Node >= 24 by
 * default) and async_hooks takes `trackPromises: false` (Node 26, and 24.21 here). Only then do split
 * hooks save anything: before AsyncContextFrame, AsyncLocalStorage itself keeps Node's promise
 * tracking on. Older Node ignores the option; newer refuses it next to promiseResolve, which is
 * how it is detected without enabling anything.
 */
function canSplitHooks(mod: NonNullable<ReturnType<typeof builtin<'node:async_hooks'>>>): boolean {
  if (!usesContextFrame(mod)) return false;
  try {
    mod.createHook({ promiseResolve() {}, trackPromises: false } as Parameters<typeof mod.createHook>[0]);
    return false;
  } catch {
    return true;
  }
}

function usesContextFrame(mod: NonNullable<ReturnType<typeof builtin<'node:async_hooks'>>>): boolean {
  // AsyncContextFrame's AsyncLocalStorage has no enable-time async hook: entering a store leaves
  // executionAsyncResource() untouched, where the async_hooks one writes a symbol onto it.
  const als = new mod.AsyncLocalStorage<number>();
  const resource = mod.executionAsyncResource() as object;
  const before = Object.getOwnPropertySymbols(resource).length;
  return als.run(1, () => Object.getOwnPropertySymbols(mod.executionAsyncResource() as object).length === before);
}

const REGISTRY = Symbol.for('prof.contextTimeline');

/** One timeline per process (shared by every copy of core), or undefined without async_hooks. */
export function getContextTimeline(): ContextTimeline | undefined {
  const g = globalThis as unknown as Record<symbol, ContextTimeline | undefined>;
  const existing = g[REGISTRY];
  if (existing) return existing;
  const mod = builtin('node:async_hooks');
  if (!mod) return undefined;
  return (g[REGISTRY] = new ContextTimeline(mod));
}
