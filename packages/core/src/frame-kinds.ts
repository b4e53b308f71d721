import type { ReportMeta } from './types.js';
import type { FrameKind } from './tree/frames.js';

// Shared by core's Node code and the HTML viewer, which is bundled for the browser: this module
// must stay a leaf (type-only imports, nothing from node:).

/** Frame kinds in code order: the HTML report's data stores a frame's kind as its index here. */
export const KIND_CODES = [
  'app',
  'library',
  'native',
  'idle',
  'program',
  'gc',
  'root',
  'prof',
  'await',
] as const satisfies readonly FrameKind[];

/** The kind a code in the HTML data stands for (unknown codes read as app code). */
export function kindOfCode(code: number): FrameKind {
  return KIND_CODES[code] ?? 'app';
}

/** What a report is called in title bars and tools: `GET /users/7 (200)` or the profiled function's name. */
export function reportTitle(
  meta: Pick<ReportMeta, 'id' | 'name' | 'method' | 'path' | 'status'>,
  { status = true, fallback = `prof ${meta.id}` } = {},
): string {
  if (meta.method || meta.path) {
    const code = status && meta.status !== undefined ? ` (${meta.status})` : '';
    return `${meta.method ?? ''} ${meta.path ?? ''}${code}`.trim();
  }
  return meta.name ?? fallback;
}
