import picomatch from 'picomatch';
import type { ResolvedRenderOptions } from '../types.js';
import { type CallNode, cpuTimeOf } from './build.js';
import type { FrameInfo } from './frames.js';
import { DEFAULT_PASSES, type TreePass, type View, type ViewNode } from './passes.js';

export type { View, ViewNode };

/** The aggregated tree as view lines, one per call node, nothing folded or dropped yet. */
export function viewOf(root: CallNode): View {
  const convert = (n: CallNode): ViewNode => ({
    kind: 'frame',
    frame: n.frame,
    time: n.total,
    self: n.self,
    children: n.children.map(convert),
  });
  return { roots: root.children.map(convert), total: root.total };
}

/**
 * The tree a renderer shows: the aggregated tree run through `passes` in order (by default
 * pyinstrument's: fold libraries, merge, `[self]` lines, threshold, sort). A renderer may pass
 * its own list, e.g. DEFAULT_PASSES without `foldLibraries`.
 */
export function buildView(
  root: CallNode,
  opts: Pick<ResolvedRenderOptions, 'filterThreshold'>,
  isHidden: (f: FrameInfo) => boolean,
  passes: readonly TreePass[] = DEFAULT_PASSES,
): View {
  // A share of the CPU time, not of the wall time: a request that mostly waits still shows what ran.
  const ctx = { threshold: cpuTimeOf(root) * opts.filterThreshold, isHidden };
  return passes.reduce((view, pass) => ({ roots: pass(view.roots, ctx), total: view.total }), viewOf(root));
}

/** Which frames fold into `[N frames hidden]`: library code, unless `show`/`hide` globs say otherwise. */
export function makeHidePredicate(
  opts: Pick<ResolvedRenderOptions, 'showAll' | 'hide' | 'show'>,
  pathOf: (url: string) => string,
): (f: FrameInfo) => boolean {
  if (opts.showAll) return () => false;
  const hide = opts.hide.length ? picomatch(opts.hide, { dot: true }) : undefined;
  const show = opts.show.length ? picomatch(opts.show, { dot: true }) : undefined;
  const cache = new Map<FrameInfo, boolean>();
  const matches = (m: (s: string) => boolean, f: FrameInfo): boolean =>
    m(f.file) || m(pathOf(f.url)) || (f.library !== undefined && m(f.library)) || m(f.name);
  return (f) => {
    let v = cache.get(f);
    if (v === undefined) {
      if (show && matches(show, f)) v = false;
      else if (hide && matches(hide, f)) v = true;
      else v = f.kind === 'library';
      cache.set(f, v);
    }
    return v;
  };
}
