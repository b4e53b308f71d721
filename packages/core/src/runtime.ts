// Core must load on Web-standard runtimes (workerd, Deno, Bun) for @prof/hono, so no module here
// imports `node:*` at the top level. Built-ins are fetched on demand through
// process.getBuiltinModule (Node >= 20.16), which is absent elsewhere.
import type * as FS from 'node:fs';
import type * as Path from 'node:path';
import type * as Inspector from 'node:inspector';
import type * as Module from 'node:module';
import type * as Url from 'node:url';
import type * as Zlib from 'node:zlib';
import type * as AsyncHooks from 'node:async_hooks';
import type * as OS from 'node:os';
import type * as V8 from 'node:v8';

interface BuiltinMap {
  'node:fs': typeof FS;
  'node:path': typeof Path;
  'node:inspector': typeof Inspector;
  'node:module': typeof Module;
  'node:url': typeof Url;
  'node:zlib': typeof Zlib;
  'node:async_hooks': typeof AsyncHooks;
  'node:os': typeof OS;
  'node:v8': typeof V8;
}

interface ProcessLike {
  getBuiltinModule?: (id: string) => unknown;
  hrtime?: () => [number, number];
  cwd?: () => string;
  pid?: number;
  versions?: Record<string, string | undefined>;
  stdout?: { isTTY?: boolean };
  env?: Record<string, string | undefined>;
}

export const proc: ProcessLike | undefined = (globalThis as { process?: ProcessLike }).process;

/** A Node built-in, or undefined where the runtime has none. */
export function builtin<K extends keyof BuiltinMap>(id: K): BuiltinMap[K] | undefined {
  const get = proc?.getBuiltinModule;
  if (typeof get !== 'function') return undefined;
  try {
    return get.call(proc, id) as BuiltinMap[K] | undefined;
  } catch {
    return undefined;
  }
}

/** A Node built-in that the caller cannot do without; throws a clear error elsewhere. */
export function requireBuiltin<K extends keyof BuiltinMap>(id: K): BuiltinMap[K] {
  const mod = builtin(id);
  if (!mod) throw new Error(`prof: ${id} is not available in this runtime`);
  return mod;
}

const g = globalThis as { navigator?: { userAgent?: unknown }; Deno?: unknown; Bun?: unknown };

// workerd (with or without nodejs_compat), Deno and Bun may all offer `process.versions.node` and
// getBuiltinModule, yet none exposes V8's CPU profiler; so name them rather than trust `process`.
export const isNode: boolean =
  typeof proc?.versions?.node === 'string' &&
  typeof proc.getBuiltinModule === 'function' &&
  proc.versions.bun === undefined &&
  g.Bun === undefined &&
  g.Deno === undefined &&
  !(typeof g.navigator?.userAgent === 'string' && g.navigator.userAgent.startsWith('Cloudflare-Workers'));

/**
 * Monotonic microseconds on the same clock as V8's sample timestamps
 * (both are CLOCK_MONOTONIC on Linux and macOS; checked by the sampler tests).
 */
export function nowUs(): number {
  const hr = proc?.hrtime;
  if (hr) {
    const [s, ns] = hr();
    return s * 1e6 + ns / 1e3;
  }
  return globalThis.performance.now() * 1e3;
}

export function cwd(): string {
  try {
    return proc?.cwd?.() ?? '';
  } catch {
    return '';
  }
}
