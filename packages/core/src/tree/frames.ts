import { builtin, cwd } from '../runtime.js';
import type { CallFrame } from '../types.js';

export type FrameKind = 'app' | 'library' | 'native' | 'idle' | 'program' | 'gc' | 'root' | 'prof' | 'await';

/** A call frame as people read it. */
export interface FrameInfo {
  /** Function name, `(anonymous)` when V8 has none, or a bracketed pseudo-frame such as `[idle]`. */
  name: string;
  /**
   * Script location (file URL, absolute path or `node:` id): as V8 reports it, or the original
   * source a source map gives for it.
   */
  url: string;
  /** Location for display: relative to the working directory where inside it. */
  file: string;
  /** 1-based; 0 when unknown. */
  line: number;
  column: number;
  kind: FrameKind;
  /** Package or Node module the frame belongs to, for library frames. */
  library: string | undefined;
}

const PSEUDO: Record<string, { kind: FrameKind; name: string }> = {
  '(root)': { kind: 'root', name: '[root]' },
  '(program)': { kind: 'program', name: '[program]' },
  '(idle)': { kind: 'idle', name: '[idle]' },
  '(garbage collector)': { kind: 'gc', name: '[garbage collector]' },
  '(await)': { kind: 'await', name: '[await]' },
  '(await busy)': { kind: 'await', name: '[await] (loop busy)' },
  '(prof)': { kind: 'program', name: '[prof]' },
};

function findPackageRoot(file: string): string | undefined {
  const fs = builtin('node:fs');
  const path = builtin('node:path');
  if (!fs || !path) return undefined;
  let dir = path.dirname(file);
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

function thisFile(): string {
  const url = typeof __filename === 'string' ? __filename : import.meta.url;
  return url.startsWith('file:') ? (builtin('node:url')?.fileURLToPath(url) ?? url) : url;
}

/**
 * Where prof's own code lives: frames there are spliced out of every tree. In a workspace or
 * flat install the @prof packages are siblings of core's package folder; their code is in
 * src/ (tests run against sources) or dist/.
 */
function ownRoots(): string[] {
  const path = builtin('node:path');
  const root = findPackageRoot(thisFile());
  if (!root || !path) return [];
  return [path.dirname(root) + path.sep];
}

/** Names V8 gives code compiled from strings (`new Function`, `eval`). */
const GENERATED = /^(?:anonymous\d*|eval|\(anonymous\))$/;

const OWN_CODE_DIR = /^[^\\/]+[\\/](?:src|dist)[\\/]/;

const OWN_IN_NODE_MODULES = /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?@prof[\\/]/;
const NODE_MODULES = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/g;

type Location = { file: string; path: string; kind: FrameKind; library: string | undefined };

// Locations by script url, per base folder, shared by every report of the process: a server
// classifies the same few hundred urls for every request. Bounded, in case of endless urls.
const LOCATION_CACHE_MAX = 20_000;
const sharedLocations = new Map<string, Map<string, Location>>();

/** Classifies V8 call frames, caching locations by url (process-wide, per base folder). */
export class FrameClassifier {
  private readonly roots: string[];
  private readonly base: string;
  private readonly fileCache: Map<string, Location>;

  constructor(base = cwd()) {
    this.roots = ownRootsCached();
    this.base = base;
    let cache = sharedLocations.get(base);
    if (!cache || cache.size > LOCATION_CACHE_MAX) {
      if (sharedLocations.size > 16) sharedLocations.clear();
      cache = new Map();
      sharedLocations.set(base, cache);
    }
    this.fileCache = cache;
  }

  info(cf: CallFrame): FrameInfo {
    const pseudo = PSEUDO[cf.functionName];
    if (pseudo && cf.url === '') {
      return { name: pseudo.name, url: '', file: '', line: 0, column: 0, kind: pseudo.kind, library: undefined };
    }
    const name = cf.functionName || '(anonymous)';
    if (cf.url === '') {
      // No script: V8's builtins (`stringify`, `map`) or code made by `new Function` (fast-json-
      // stringify's `anonymous0`, ORM hydrators). Folded like library code, so a library's run
      // of frames is not broken by the code it generated.
      const library = GENERATED.test(name) ? 'generated code' : 'V8 builtins';
      return { name, url: '', file: '', line: cf.lineNumber, column: cf.columnNumber, kind: 'library', library };
    }
    const loc = this.location(cf.url);
    return {
      name,
      url: cf.url,
      file: loc.file,
      line: cf.lineNumber,
      column: cf.columnNumber,
      kind: loc.kind,
      library: loc.library,
    };
  }

  private location(url: string): Location {
    let hit = this.fileCache.get(url);
    if (hit) return hit;
    if (url === '') hit = { file: '', path: '', kind: 'native', library: undefined };
    else if (url.startsWith('node:')) {
      const id = url.slice(5);
      const top = id.split('/')[0]!;
      hit = { file: url, path: url, kind: 'library', library: `node:${top}` };
    } else {
      let p = url;
      if (url.startsWith('file:')) {
        try {
          p = builtin('node:url')?.fileURLToPath(url) ?? url;
        } catch {
          p = url;
        }
      }
      const path = builtin('node:path');
      let file = p;
      if (path && this.base && path.isAbsolute(p)) {
        const rel = path.relative(this.base, p);
        if (!rel.startsWith('..') && !path.isAbsolute(rel)) file = rel;
      }
      if (
        OWN_IN_NODE_MODULES.test(p) ||
        this.roots.some((r) => p.startsWith(r) && OWN_CODE_DIR.test(p.slice(r.length)))
      ) {
        hit = { file, path: p, kind: 'prof', library: 'prof' };
      } else {
        const pkgs = [...p.matchAll(NODE_MODULES)];
        const last = pkgs[pkgs.length - 1]?.[1]?.replace(/\\/g, '/');
        hit = last
          ? { file, path: p, kind: 'library', library: last }
          : { file, path: p, kind: 'app', library: undefined };
      }
    }
    this.fileCache.set(url, hit);
    return hit;
  }

  /** Absolute path (or node: id) of a url, for glob matching. */
  pathOf(url: string): string {
    return this.location(url).path;
  }

  /** The script is prof's own code (spliced out of every tree, so never worth a source map). */
  isOwn(url: string): boolean {
    return url !== '' && this.location(url).kind === 'prof';
  }
}

let cachedRoots: string[] | undefined;
function ownRootsCached(): string[] {
  return (cachedRoots ??= ownRoots());
}
