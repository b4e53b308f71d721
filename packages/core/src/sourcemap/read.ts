import { AnyMap, type TraceMap } from '@jridgewell/trace-mapping';
import { builtin } from '../runtime.js';

/** What reading a script's source map gave. */
export type MapRead =
  /** The script declares no map (or is not a file): its frames stay as recorded, silently. */
  | { kind: 'none' }
  /** The script declares a map that could not be used: warn once, keep the recorded locations. */
  | { kind: 'failed'; reason: string }
  | { kind: 'map'; map: TraceMap /** Estimated retained bytes, for the cache's budget. */; bytes: number };

export interface ReadLimits {
  /** Map files (or inline maps) larger than this are skipped with a warning. */
  maxMapBytes: number;
  /** Scripts larger than this are not searched for an inline map. */
  maxScriptBytes: number;
}

const TAIL_BYTES = 16 * 1024;
// The last `//# sourceMappingURL=` (or `/*# … */`, or the legacy `//@`) of the script.
const COMMENT = /(?:\/\/|\/\*)[#@][ \t]+sourceMappingURL=([^\s'"*]+)[ \t]*(?:\*\/)?[ \t]*$/gm;
// Decoded segments cost about 100 bytes each (measured with trace-mapping); a segment takes about
// 6 characters of `mappings`.
const BYTES_PER_MAPPING_CHAR = 18;

/** Absolute path of a script url, or undefined when it is not a file (node:, eval, http:). */
export function scriptPath(url: string): string | undefined {
  const path = builtin('node:path');
  if (!path) return undefined;
  if (url.startsWith('file:')) {
    try {
      return builtin('node:url')?.fileURLToPath(url);
    } catch {
      return undefined;
    }
  }
  return path.isAbsolute(url) ? url : undefined;
}

/** The url trace-mapping resolves a map's `sources` against: a file URL. */
function fileUrl(p: string): string {
  return builtin('node:url')?.pathToFileURL(p).href ?? `file://${p}`;
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** The map Node itself registered for a script (tsx, --enable-source-maps): no file to read. */
function fromNode(url: string, p: string): unknown {
  const find = builtin('node:module')?.findSourceMap;
  if (typeof find !== 'function') return undefined;
  try {
    return find(url)?.payload ?? find(p)?.payload;
  } catch {
    return undefined;
  }
}

/** The source-map comment of a script file; reads the tail first, the whole file only for inline maps. */
function findComment(p: string, limits: ReadLimits): string | undefined {
  const fs = builtin('node:fs')!;
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, 'r');
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, TAIL_BYTES);
    const tail = Buffer.alloc(tailLen);
    fs.readSync(fd, tail, 0, tailLen, size - tailLen);
    const text = tail.toString('utf8');
    let found = lastComment(text);
    // The last line began before the tail (an inline map is longer than the tail): read it all.
    if (!found && size > tailLen && size <= limits.maxScriptBytes && !text.trimEnd().includes('\n')) {
      const all = Buffer.alloc(size);
      fs.readSync(fd, all, 0, size, 0);
      found = lastComment(all.toString('utf8'));
    }
    return found;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function lastComment(text: string): string | undefined {
  let last: string | undefined;
  for (const m of text.matchAll(COMMENT)) last = m[1];
  return last;
}

/** The map's JSON text from a `data:` URL, or undefined when it is not one we can decode. */
function fromDataUrl(ref: string): string | undefined {
  const comma = ref.indexOf(',');
  if (comma < 0) return undefined;
  const head = ref.slice(5, comma).toLowerCase();
  const body = ref.slice(comma + 1);
  if (!head.startsWith('application/json')) return undefined;
  return head.endsWith(';base64') ? Buffer.from(body, 'base64').toString('utf8') : decodeURIComponent(body);
}

function parseMap(json: unknown, mapUrl: string): MapRead {
  if (typeof json !== 'object' || json === null) return { kind: 'failed', reason: 'not a source map object' };
  const raw = json as { version?: unknown; mappings?: unknown; sections?: unknown; sourcesContent?: unknown };
  if (raw.version !== 3 || (typeof raw.mappings !== 'string' && !Array.isArray(raw.sections))) {
    return { kind: 'failed', reason: 'not a version 3 source map' };
  }
  // The sources' text is not needed to locate frames, and is often most of a map's size.
  const { sourcesContent: _, ...rest } = raw;
  const map = new AnyMap(rest as never, mapUrl);
  const mappingChars = typeof raw.mappings === 'string' ? raw.mappings.length : JSON.stringify(raw.sections).length;
  return { kind: 'map', map, bytes: 1024 + mappingChars * BYTES_PER_MAPPING_CHAR };
}

/**
 * Finds and reads the source map of the script at `url`: the one Node registered for it, else
 * the one its `sourceMappingURL` comment names (a `data:` URL or a file beside it). Never throws.
 */
export function readSourceMap(url: string, limits: ReadLimits): MapRead {
  const p = scriptPath(url);
  if (!p || !builtin('node:fs')) return { kind: 'none' };
  const base = url.startsWith('file:') ? url : fileUrl(p);
  try {
    const registered = fromNode(url, p);
    if (registered) return parseMap(registered, base);

    const ref = findComment(p, limits);
    if (!ref) return { kind: 'none' };
    let text: string | undefined;
    let mapUrl = base;
    if (ref.startsWith('data:')) {
      if (ref.length > limits.maxMapBytes)
        return { kind: 'failed', reason: `inline map of ${mb(ref.length)} over the limit` };
      text = fromDataUrl(ref);
      if (text === undefined) return { kind: 'failed', reason: 'an inline map in an unsupported encoding' };
    } else {
      const target = new URL(ref, base);
      if (target.protocol !== 'file:') return { kind: 'failed', reason: `map at ${target.protocol} URLs are not read` };
      mapUrl = target.href;
      const mapPath = builtin('node:url')!.fileURLToPath(target);
      const fs = builtin('node:fs')!;
      let size: number;
      try {
        size = fs.statSync(mapPath).size;
      } catch {
        return { kind: 'failed', reason: `${mapPath} not found` };
      }
      if (size > limits.maxMapBytes) return { kind: 'failed', reason: `${mapPath} is ${mb(size)}, over the limit` };
      text = fs.readFileSync(mapPath, 'utf8');
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // The parser's message quotes the file; a map reference can point anywhere.
      return { kind: 'failed', reason: 'not valid JSON' };
    }
    return parseMap(json, mapUrl);
  } catch (err) {
    return { kind: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
}
