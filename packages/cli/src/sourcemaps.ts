// Runs in the profiled program (bundled into the preload). A loader that compiles in memory (tsx)
// leaves no compiled file on disk whose source map core could read later: the positions its
// maps know are put back on the profile's frames here, while node still holds the maps.
import { findSourceMap, type SourceMap } from 'node:module';

interface Frame {
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  callFrame: Frame;
  positionTicks?: unknown;
}

/**
 * Rewrites frames to their original file, line and column wherever node has a source map for
 * the script (a loader registered one, or the program runs with --enable-source-maps); returns
 * how many frames moved.
 */
export function remapFrames(profile: { nodes?: ProfileNode[] }): number {
  const maps = new Map<string, SourceMap | undefined>();
  let moved = 0;
  for (const node of profile.nodes ?? []) {
    const f = node.callFrame;
    if (!f.url || f.lineNumber < 0 || f.url.startsWith('node:')) continue;
    let map = maps.get(f.url);
    if (!maps.has(f.url)) {
      try {
        map = findSourceMap(f.url);
      } catch {
        map = undefined;
      }
      maps.set(f.url, map);
    }
    if (!map) continue;
    const entry = map.findEntry(f.lineNumber, Math.max(0, f.columnNumber)) as Partial<{
      originalSource: string;
      originalLine: number;
      originalColumn: number;
    }>;
    if (typeof entry.originalLine !== 'number' || typeof entry.originalSource !== 'string') continue;
    f.url = new URL(entry.originalSource, f.url).href;
    f.lineNumber = entry.originalLine;
    f.columnNumber = entry.originalColumn ?? 0;
    // Line ticks count lines of the compiled code.
    delete node.positionTicks;
    moved++;
  }
  return moved;
}
