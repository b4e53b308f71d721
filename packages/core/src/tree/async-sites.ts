import type { CallFrame } from '../types.js';
import { drainAsyncCaptures } from '../sampler/async-capture.js';

/** A function's identity across recordings: V8 gives the same name, script and line to each. */
export function fnKey(f: CallFrame): string {
  return `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}`;
}

const MAX_EDGES = 50_000;
/** Scope of the edges from captured async stacks: they hold for any route. */
const CAPTURED = '\u0002captured';
const MAX_DEPTH = 256;

/**
 * Caller edges seen in earlier recordings, process-wide and per scope (a route): for each
 * function, the frame that last called it synchronously (or, stitched, logically). Lets a
 * continuation whose function this recording never caught running synchronously find its callers.
 */
export class AsyncSites {
  /** Per scope: function key → the frame that called it. */
  private edges = new Map<string, Map<string, CallFrame>>();
  private size = 0;
  private resumed = new Map<string, Set<string>>();
  private waits = new Map<string, CallFrame[]>();
  /** Functions V8's captured async stacks showed awaiting (`at async f`) or resumed (any scope). */
  private awaiting = new Set<string>();

  private scoped(scope: string): Map<string, CallFrame> {
    let m = this.edges.get(scope);
    if (!m) {
      if (this.size > MAX_EDGES) {
        this.edges.clear();
        this.size = 0;
      }
      this.edges.set(scope, (m = new Map()));
    }
    return m;
  }

  /** f (by fnKey) was seen resuming after an await in this scope, or awaiting in a captured async stack. */
  resumes(scope: string, key: string): boolean {
    this.absorbCaptures();
    return (this.resumed.get(scope)?.has(key) ?? false) || this.awaiting.has(key);
  }

  noteResumed(scope: string, keys: Iterable<string>): void {
    let set = this.resumed.get(scope);
    if (!set || set.size > MAX_EDGES) {
      if (this.resumed.size > 10_000) this.resumed.clear();
      this.resumed.set(scope, (set = new Set()));
    }
    for (const k of keys) set.add(k);
  }

  /** The path under which this scope's last recording waited most. */
  waitPath(scope: string): CallFrame[] | undefined {
    return this.waits.get(scope);
  }

  noteWaitPath(scope: string, path: CallFrame[]): void {
    if (this.waits.size > 10_000) this.waits = new Map();
    this.waits.set(scope, path);
  }

  /** The caller path of f from its entry frame (root first), or undefined if none is known. */
  callers(scope: string, f: CallFrame): CallFrame[] | undefined {
    this.absorbCaptures();
    const own = this.edges.get(scope);
    const captured = this.edges.get(CAPTURED);
    const path: CallFrame[] = [];
    const visited = new Set<string>();
    let k = fnKey(f);
    visited.add(k);
    for (;;) {
      // Calls seen in this route's samples first, then V8's captured chains.
      const parent = own?.get(k) ?? captured?.get(k);
      if (!parent) break;
      k = fnKey(parent);
      if (visited.has(k) || path.length >= MAX_DEPTH) break;
      visited.add(k);
      path.push(parent);
    }
    return path.length ? path.reverse() : undefined;
  }

  /** Caller edges from V8's async stack traces sampled at promise creation (any scope). */
  private absorbCaptures(): void {
    const chains = drainAsyncCaptures();
    if (!chains.length) return;
    const m = this.scoped(CAPTURED);
    for (const { frames, sync } of chains) {
      if (this.awaiting.size > MAX_EDGES) this.awaiting.clear();
      // After the synchronous part: functions suspended at an await; its last frame had resumed.
      for (let i = Math.max(sync - 1, 0); sync < frames.length && i < frames.length; i++) {
        this.awaiting.add(fnKey(frames[i]!));
      }
      for (let i = 0; i + 1 < frames.length; i++) {
        const key = fnKey(frames[i]!);
        // A synchronous call is certain; an async frame skips callers that returned a promise
        // without awaiting it, so it only fills a gap.
        if (i + 1 < sync || !m.has(key)) {
          if (!m.has(key)) this.size++;
          m.set(key, frames[i + 1]!);
        }
      }
    }
  }

  /** Remembers the calls of one sampled synchronous stack (frame indices, root first). */
  learn(scope: string, stack: number[], frames: CallFrame[], keys: string[]): void {
    const m = this.scoped(scope);
    for (let i = 1; i < stack.length; i++) {
      const child = frames[stack[i]!]!;
      const parent = frames[stack[i - 1]!]!;
      if (child.url === '' || parent.url === '') continue;
      const key = keys[stack[i]!]!;
      if (m.get(key) === parent) continue;
      if (!m.has(key)) this.size++;
      m.set(key, parent);
    }
  }
}

const REGISTRY = Symbol.for('prof.asyncSites');

/** One AsyncSites per process, shared by every copy of core. */
export function getAsyncSites(): AsyncSites {
  const g = globalThis as unknown as Record<symbol, AsyncSites | undefined>;
  return (g[REGISTRY] ??= new AsyncSites());
}
