// Picks a sampler backend: the factory above the leaf (backend.ts) and the implementations.
import type { SamplerKind } from '../options.js';
import { SamplerUnavailableError, type Backend, type BackendName } from './backend.js';
import { loadInspectorBackend } from './inspector.js';
import { loadNativeBackend } from './native.js';
import { loadPprofBackend, NEEDS_ASYNC_CONTEXT_FRAME } from './pprof.js';
import { loadV8Backend } from './v8.js';

/** A backend passed over, and why. */
export interface Skipped {
  name: BackendName;
  reason: string;
  /** v8-profiler-next is installed but its build never ran or failed (pnpm 10, --ignore-scripts, no toolchain). */
  unbuilt?: boolean;
}

/**
 * 'auto' tries these in order: all keep one profile running, so none starts on a request's path.
 * pprof first where it loads (Node >= 24): its labelled samples make context attribution free of
 * async hooks, which cost more than any backend's sampling (notes: 0.97× vs 0.47× bare on 200
 * awaits per request).
 */
export const AUTO_ORDER: readonly BackendName[] = ['pprof', 'native', 'v8', 'inspector'];

function tryLoad(name: BackendName, interval: number): { backend?: Backend; reason?: string; unbuilt?: boolean } {
  if (name === 'pprof') return loadPprofBackend(interval);
  if (name === 'native') return loadNativeBackend();
  if (name === 'v8') return loadV8Backend(interval);
  return loadInspectorBackend();
}

/** The backend asked for, or under 'auto' the first of AUTO_ORDER that loads here. */
export function loadBackend(kind: SamplerKind, interval: number): { backend: Backend; skipped: Skipped[] } {
  const skipped: Skipped[] = [];
  for (const name of kind === 'auto' ? AUTO_ORDER : [kind]) {
    const { backend, reason, unbuilt } = tryLoad(name, interval);
    if (backend) {
      backend.setInterval(interval);
      return { backend, skipped };
    }
    skipped.push({ name, reason: reason ?? 'unavailable', unbuilt });
  }
  if (kind !== 'auto') {
    throw new SamplerUnavailableError(
      `prof: sampler '${kind}' was asked for but is unavailable: ${skipped[0]?.reason}`,
    );
  }
  throw new SamplerUnavailableError(
    `prof: no V8 sampler in this runtime (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
  );
}

const LABEL: Record<BackendName, string> = {
  pprof: "@datadog/pprof's time profiler",
  native: 'v8-profiler-next',
  v8: "node:v8's startCpuProfile()",
  inspector: 'node:inspector',
};

/** How to let v8-profiler-next build, per package manager. */
export const NATIVE_FIX =
  'pnpm: add "v8-profiler-next" to "pnpm.onlyBuiltDependencies" in package.json (or run `pnpm approve-builds`), then `pnpm rebuild v8-profiler-next`; ' +
  'Yarn 4: allow it with "dependenciesMeta": { "v8-profiler-next": { "built": true } } (and enableScripts not false), then `yarn rebuild v8-profiler-next`; ' +
  'npm: `npm rebuild v8-profiler-next` (or drop ignore-scripts); it needs python3, make and a C++ compiler';

/** The startup line: which backend runs, what it costs, and how to get a better one when there is one. */
export function describeBackend(backend: Backend, interval: number, skipped: readonly Skipped[]): string {
  let line = `prof: sampling with ${LABEL[backend.name]} every ${interval}µs, kept warm from startup: no profile starts on a request's path; each rotation (after responses, at most every ${backend.minRotationMs} ms) costs ~0.5 ms; keeping the profile running costs about 1–5 % of one core while idle (raise \`interval\` to lower it)`;
  const native = skipped.find((s) => s.name === 'native');
  const pprof = skipped.find((s) => s.name === 'pprof');
  if (backend.name === 'pprof') {
    line +=
      ". Each sample carries the async context it ran in (Node's AsyncContextFrame), so attribution 'context' runs no async hook; a rotation also waits for up to two sampling signals (a V8 race workaround), ~1–2 ms at 1000µs";
  } else if (pprof && !pprof.reason.includes(NEEDS_ASYNC_CONTEXT_FRAME)) {
    // Node >= 24 without the optional dependency (or with it broken): say what context attribution pays.
    line += `. Attribution 'context' runs an async hook per callback and continuation; @datadog/pprof (an optional dependency of @prof/core) would label samples instead (${pprof.reason})`;
  }
  if (backend.name === 'inspector') {
    line +=
      '. node:inspector keeps ~110 bytes per rotation until its profiler is recycled (a cold restart, every 100,000 rotations, when idle)';
    if (native?.unbuilt) {
      line += `. Faster and leaner: v8-profiler-next is installed but was not built (its install script was skipped or failed). To build it: ${NATIVE_FIX}. Or run Node >= 24, whose built-in profiler needs no build`;
    } else if (native) {
      line += `. Faster and leaner: Node >= 24's built-in profiler (no build), or v8-profiler-next (${native.reason})`;
    }
  } else if (backend.name === 'v8' && native?.unbuilt) {
    line += '. (v8-profiler-next is installed but not built; not needed on this Node)';
  }
  return line;
}
