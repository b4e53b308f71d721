import picomatch from 'picomatch';
import type { ResolvedRenderOptions } from '../options.js';
import type { CallNode } from './build.js';
import type { FrameInfo } from './frames.js';

/** A line of a rendered tree, after pyinstrument's processors. */
export interface ViewNode {
  kind: 'frame' | 'self' | 'group';
  frame: FrameInfo;
  /** µs. */
  time: number;
  children: ViewNode[];
  /** Set where library frames were folded: how many, and which libraries. */
  hidden?: { count: number; libraries: string[] };
}

export interface View {
  roots: ViewNode[];
  /** µs, the whole recording. */
  total: number;
}

const SELF_FRAME: FrameInfo = {
  name: '[self]',
  url: '',
  file: '',
  line: 0,
  column: 0,
  kind: 'app',
  library: undefined,
};

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

/**
 * pyinstrument's processors over the aggregated tree: drop frames under the threshold, add
 * `[self]` lines, fold runs of library frames into groups (`[N frames hidden]  express, …`)
 * whose app-code callees show beneath them, merged where they are the same function.
 */
export function buildView(root: CallNode, opts: ResolvedRenderOptions, isHidden: (f: FrameInfo) => boolean): View {
  const threshold = root.total * opts.filterThreshold;

  const selfLine = (time: number): ViewNode => ({ kind: 'self', frame: SELF_FRAME, time, children: [] });

  const finish = (node: ViewNode, self: number): ViewNode => {
    if (node.children.length > 0 && self > 0 && self >= threshold) node.children.push(selfLine(self));
    node.children = mergeSiblings(node.children).filter((c) => c.time >= threshold && c.time > 0);
    node.children.sort((a, b) => b.time - a.time);
    return node;
  };

  const visit = (node: CallNode, topLevel: boolean): ViewNode => {
    if (!isHidden(node.frame)) {
      const v: ViewNode = { kind: 'frame', frame: node.frame, time: node.total, children: [] };
      for (const c of node.children) if (c.total >= threshold) v.children.push(visit(c, false));
      return finish(v, node.self);
    }
    // Collect the group: this frame and every hidden frame reachable through hidden frames.
    let count = 0;
    let self = 0;
    const libraries = new Set<string>();
    const exits: CallNode[] = [];
    const stack: CallNode[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      count++;
      self += n.self;
      libraries.add(n.frame.library ?? n.frame.file ?? n.frame.name);
      for (const c of n.children) (isHidden(c.frame) ? stack : exits).push(c);
    }
    if (count === 1 && !topLevel) {
      const v: ViewNode = { kind: 'frame', frame: node.frame, time: node.total, children: [] };
      for (const c of node.children) if (c.total >= threshold) v.children.push(visit(c, false));
      return finish(v, node.self);
    }
    // At the top of the tree the entry frame says little (`emit`, `processTicksAndRejections`):
    // the group is one line. Deeper, the entry frame names the library call and is kept.
    const v: ViewNode = {
      kind: topLevel ? 'group' : 'frame',
      frame: node.frame,
      time: node.total,
      children: [],
      hidden: { count: topLevel ? count : count - 1, libraries: [...libraries] },
    };
    // Callees reached through different hidden paths merge before the threshold applies.
    for (const c of exits) v.children.push(visit(c, false));
    return finish(v, self);
  };

  const roots: ViewNode[] = [];
  for (const c of root.children) if (c.total >= threshold && c.total > 0) roots.push(visit(c, true));
  return { roots: mergeSiblings(roots).sort((a, b) => b.time - a.time), total: root.total };
}

function identity(n: ViewNode): string {
  if (n.kind === 'group') return `group\u0000${n.hidden?.libraries.join(',')}`;
  const f = n.frame;
  return `${n.kind}\u0000${f.name}\u0000${f.url}\u0000${f.line}\u0000${f.column}`;
}

/** The same function reached through different hidden paths is one line. */
function mergeSiblings(nodes: ViewNode[]): ViewNode[] {
  if (nodes.length < 2) return nodes;
  const byId = new Map<string, ViewNode>();
  const out: ViewNode[] = [];
  for (const n of nodes) {
    const id = identity(n);
    const seen = byId.get(id);
    if (!seen) {
      byId.set(id, n);
      out.push(n);
      continue;
    }
    seen.time += n.time;
    if (n.hidden && seen.hidden) {
      seen.hidden.count = Math.max(seen.hidden.count, n.hidden.count);
      seen.hidden.libraries = [...new Set([...seen.hidden.libraries, ...n.hidden.libraries])];
    }
    seen.children = mergeSiblings([...seen.children, ...n.children]).sort((a, b) => b.time - a.time);
  }
  return out;
}
