import { decodedMappings, LEAST_UPPER_BOUND, originalPositionFor, type TraceMap } from '@jridgewell/trace-mapping';
import { builtin } from '../runtime.js';
import type { CallFrame } from '../sampler/backend.js';
import type { Samples } from '../samples.js';
import { type ReadLimits, readSourceMap, scriptPath } from './read.js';

export interface SourceMapLimits extends ReadLimits {
  /** Parsed maps kept at once, in estimated bytes; the least recently used are dropped first. */
  maxCacheBytes: number;
  /** Scripts remembered (with or without a map); beyond this the cache starts over. */
  maxScripts: number;
  /** Resolved positions remembered per script. */
  maxPositions: number;
}

export const DEFAULT_SOURCE_MAP_LIMITS: SourceMapLimits = {
  maxMapBytes: 16 * 1024 * 1024,
  maxScriptBytes: 64 * 1024 * 1024,
  maxCacheBytes: 64 * 1024 * 1024,
  maxScripts: 10_000,
  maxPositions: 50_000,
};

interface Script {
  state: 'unread' | 'none' | 'failed' | 'map';
  /** Undefined once dropped by the budget; read again when a new position needs it. */
  map: TraceMap | undefined;
  bytes: number;
  /** Resolved frame by generated position (null: the map has nothing there). */
  positions: Map<number, CallFrame | null>;
}

// Between a binding's name and its function's parameters: `=`, `async `, `function `, `:`…
const NAME_SLACK = 17;

/**
 * The name a source map gives the function whose definition V8 reports at (line, column0): V8's
 * position is where the parameters start (`function m(e)` → `(`, `w=e=>` → `e`), so the binding's
 * name is the segment just before it, `m` or `w`. Undefined when that segment has no name (tsc's
 * maps have none: names are not minified there) or is too far to be the binding.
 */
function originalName(map: TraceMap, line: number, column0: number, v8Name: string): string | undefined {
  if (!v8Name) return undefined;
  const segments = decodedMappings(map)[line - 1];
  if (!segments || segments.length === 0) return undefined;
  let lo = 0;
  let hi = segments.length - 1;
  let before = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]![0] < column0) {
      before = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const seg = before >= 0 ? segments[before] : undefined;
  if (seg?.length !== 5) return undefined;
  const distance = column0 - seg[0];
  if (distance < v8Name.length || distance > v8Name.length + NAME_SLACK) return undefined;
  return map.names[seg[4]];
}

const packageRoots = new Map<string, string | undefined>();
function packageRoot(file: string): string | undefined {
  const fs = builtin('node:fs');
  const path = builtin('node:path');
  if (!fs || !path) return undefined;
  const start = path.dirname(file);
  if (packageRoots.has(start)) return packageRoots.get(start);
  let found: string | undefined;
  for (let dir = start, i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) {
      found = dir;
      break;
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  if (packageRoots.size > 1000) packageRoots.clear();
  packageRoots.set(start, found);
  return found;
}

/**
 * A map's source as a location prof can classify: file URLs as they are; webpack's
 * `webpack://app/./src/x.ts?loader` as a path under the bundle's package folder.
 */
function sourceLocation(source: string, scriptUrl: string): string {
  const m = /^webpack:\/\/[^/]*\/(?!webpack\/)(?:\.\/)?([^?]*)/.exec(source);
  if (!m) return source;
  const path = builtin('node:path');
  const script = scriptPath(scriptUrl);
  const root = script && packageRoot(script);
  if (!path || !root) return source;
  const file = path.resolve(root, m[1]!);
  return builtin('node:url')?.pathToFileURL(file).href ?? file;
}

/** Process-wide cache of scripts' source maps; read lazily, bounded in bytes and entries. */
export class SourceMapCache {
  private readonly scripts = new Map<string, Script>();
  private retained = 0;

  constructor(readonly limits: SourceMapLimits = DEFAULT_SOURCE_MAP_LIMITS) {}

  /**
   * The frames at their original source locations where a source map says so, same indices; the
   * input array itself when none maps. Unusable maps are reported once through `warn`; scripts
   * for which `skip` says true are left alone. Never throws.
   */
  resolve(
    frames: readonly CallFrame[],
    warn: (message: string) => void,
    skip: (url: string) => boolean = () => false,
  ): readonly CallFrame[] {
    let out: CallFrame[] | undefined;
    try {
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!;
        if (f.url === '' || f.lineNumber <= 0 || f.url.startsWith('node:') || skip(f.url)) continue;
        const mapped = this.locate(f, warn);
        if (mapped) (out ??= frames.slice())[i] = mapped;
      }
    } catch (err) {
      warn(`prof: source maps could not be applied (${err instanceof Error ? err.message : String(err)})`);
    }
    this.trim();
    return out ?? frames;
  }

  /** Bytes of parsed maps held now (estimated). */
  get bytes(): number {
    return this.retained;
  }

  clear(): void {
    this.scripts.clear();
    this.retained = 0;
  }

  private locate(f: CallFrame, warn: (message: string) => void): CallFrame | undefined {
    let s = this.scripts.get(f.url);
    if (s) {
      // Most recently used last: trim() drops maps from the front.
      this.scripts.delete(f.url);
      this.scripts.set(f.url, s);
    } else {
      if (this.scripts.size >= this.limits.maxScripts) this.clear();
      s = { state: 'unread', map: undefined, bytes: 0, positions: new Map() };
      this.scripts.set(f.url, s);
    }
    if (s.state === 'none' || s.state === 'failed') return undefined;
    const key = f.lineNumber * 0x4000000 + Math.min(f.columnNumber, 0x3ffffff);
    const known = s.positions.get(key);
    if (known !== undefined) return known ?? undefined;
    if (!s.map) {
      const read = readSourceMap(f.url, this.limits);
      if (read.kind !== 'map') {
        if (read.kind === 'failed' && s.state === 'unread') {
          warn(
            `prof: the source map of ${scriptPath(f.url) ?? f.url} cannot be used (${read.reason}); its frames keep their compiled locations`,
          );
        }
        s.state = read.kind;
        return undefined;
      }
      s.state = 'map';
      s.map = read.map;
      s.bytes = read.bytes;
      this.retained += read.bytes;
    }
    const found = this.original(s.map, f);
    if (s.positions.size >= this.limits.maxPositions) s.positions.clear();
    s.positions.set(key, found ?? null);
    return found;
  }

  private original(map: TraceMap, f: CallFrame): CallFrame | undefined {
    const column0 = Math.max(0, f.columnNumber - 1);
    let pos = originalPositionFor(map, { line: f.lineNumber, column: column0 });
    // V8's position can sit before the line's first segment (indentation): take the next one.
    if (pos.source === null)
      pos = originalPositionFor(map, { line: f.lineNumber, column: column0, bias: LEAST_UPPER_BOUND });
    if (pos.source === null || pos.line === null) return undefined;
    return {
      functionName: originalName(map, f.lineNumber, column0, f.functionName) ?? f.functionName,
      url: sourceLocation(pos.source, f.url),
      lineNumber: pos.line,
      columnNumber: pos.column + 1,
    };
  }

  /** Drops the least recently used parsed maps (their resolved positions stay) until within budget. */
  private trim(): void {
    if (this.retained <= this.limits.maxCacheBytes) return;
    for (const s of this.scripts.values()) {
      if (this.retained <= this.limits.maxCacheBytes) break;
      if (!s.map) continue;
      s.map = undefined;
      this.retained -= s.bytes;
    }
  }
}

/** One cache per process: every report of every profiler reads the same scripts. */
export const sharedSourceMaps: SourceMapCache = new SourceMapCache();

/**
 * The samples with their frames at the original source locations (and names, where minified)
 * that the scripts' source maps give; the same object when nothing maps. Never throws.
 */
export function resolveSourceMaps(
  samples: Samples,
  warn: (message: string) => void,
  skip?: (url: string) => boolean,
): Samples {
  const frames = sharedSourceMaps.resolve(samples.frames, warn, skip);
  return frames === samples.frames ? samples : { ...samples, frames: frames as CallFrame[] };
}
