// The tree passes, after pyinstrument's processors.py: each a pure function from view lines to
// view lines with a one-line contract, run in a list (DEFAULT_PASSES) that a renderer can edit.
import type { Microseconds } from '../types.js';
import type { FrameInfo } from './frames.js';

/** A line of a rendered tree, after the tree passes. */
export interface ViewNode {
  kind: 'frame' | 'self' | 'group';
  frame: FrameInfo;
  /** µs, this line and everything under it. */
  time: Microseconds;
  /** µs spent in this line's own frames (a group's: in all its hidden frames). */
  self: Microseconds;
  children: ViewNode[];
  /** Set where library frames were folded: how many, and which libraries. */
  hidden?: { count: number; libraries: string[] };
}

export interface View {
  roots: ViewNode[];
  /** µs, the whole recording. */
  total: Microseconds;
}

export interface PassContext {
  /** µs: lines under this are dropped (filterThreshold × the recording's CPU time). */
  threshold: Microseconds;
  /** Frames folded into `[N frames hidden]` (library code unless show/hide say otherwise). */
  isHidden(frame: FrameInfo): boolean;
}

/** A tree pass: takes the top-level lines, returns new ones; never mutates its input. */
export type TreePass = (roots: readonly ViewNode[], ctx: PassContext) => ViewNode[];

const SELF_FRAME: FrameInfo = {
  name: '[self]',
  url: '',
  file: '',
  line: 0,
  column: 0,
  kind: 'app',
  library: undefined,
};

/** A `[self]` line: time spent in its parent's own frames rather than in a callee. */
export function selfLine(time: Microseconds): ViewNode {
  return { kind: 'self', frame: SELF_FRAME, time, self: time, children: [] };
}

const mapTree = (nodes: readonly ViewNode[], fn: (n: ViewNode, kids: ViewNode[]) => ViewNode[]): ViewNode[] =>
  nodes.flatMap((n) => fn(n, mapTree(n.children, fn)));

/** Runs of hidden frames become one line (a group at the top, the entry frame deeper); callees hang below. */
export const foldLibraries: TreePass = (roots, ctx) => {
  const fold = (node: ViewNode, topLevel: boolean): ViewNode => {
    if (!ctx.isHidden(node.frame)) return { ...node, children: node.children.map((c) => fold(c, false)) };
    // This frame and every hidden frame reachable through hidden frames.
    let count = 0;
    let self = 0;
    const libraries = new Set<string>();
    const exits: ViewNode[] = [];
    const stack: ViewNode[] = [node];
    while (stack.length) {
      const n = stack.pop()!;
      count++;
      self += n.self;
      libraries.add(n.frame.library ?? n.frame.file ?? n.frame.name);
      for (const c of n.children) (ctx.isHidden(c.frame) ? stack : exits).push(c);
    }
    if (count === 1 && !topLevel) return { ...node, children: node.children.map((c) => fold(c, false)) };
    // At the top the entry frame says little (`emit`, `processTicksAndRejections`): the group is
    // one line. Deeper, the entry frame names the library call and is kept.
    return {
      kind: topLevel ? 'group' : 'frame',
      frame: node.frame,
      time: node.time,
      self,
      children: exits.map((c) => fold(c, false)),
      hidden: { count: topLevel ? count : count - 1, libraries: [...libraries] },
    };
  };
  return roots.map((r) => fold(r, true));
};

function identity(n: ViewNode): string {
  if (n.kind === 'group') return `group\u0000${n.hidden?.libraries.join(',')}`;
  const f = n.frame;
  return `${n.kind}\u0000${f.name}\u0000${f.url}\u0000${f.line}\u0000${f.column}`;
}

/** Siblings for the same function (or groups of the same libraries) become one line, callees merged. */
export const mergeSiblings: TreePass = (roots, ctx) => {
  const merged = new Map<string, ViewNode>(); // insertion order: the first of each kept in place
  for (const n of roots) {
    const id = identity(n);
    const seen = merged.get(id);
    if (seen) absorb(seen, n);
    else merged.set(id, n.hidden ? { ...n, hidden: { ...n.hidden } } : { ...n });
  }
  return [...merged.values()].map((n) => ({ ...n, children: mergeSiblings(n.children, ctx) }));
};

/** Adds `from`'s time, callees and folded libraries to `into` (a copy this pass owns). */
function absorb(into: ViewNode, from: ViewNode): void {
  into.time += from.time;
  into.self += from.self;
  if (from.hidden && into.hidden) {
    into.hidden.count = Math.max(into.hidden.count, from.hidden.count);
    into.hidden.libraries = [...new Set([...into.hidden.libraries, ...from.hidden.libraries])];
  }
  into.children = [...into.children, ...from.children];
}

/** A line with callees gets a `[self]` line holding the time of its own frames. */
export const addSelfLines: TreePass = (roots) =>
  mapTree(roots, (n, kids) => [{ ...n, children: kids.length && n.self > 0 ? [...kids, selfLine(n.self)] : kids }]);

/** Lines under the threshold, or of no time at all, are dropped with everything under them. */
export const removeBelowThreshold: TreePass = (roots, ctx) =>
  mapTree(roots, (n, kids) => (n.time >= ctx.threshold && n.time > 0 ? [{ ...n, children: kids }] : []));

/** A `[self]` line left alone under a plain frame only repeats it and is dropped (a group keeps its own). */
export const removeLoneSelfLines: TreePass = (roots) =>
  mapTree(roots, (n, kids) => [
    { ...n, children: !n.hidden && kids.length === 1 && kids[0]!.kind === 'self' ? [] : kids },
  ]);

/** Siblings heaviest first (stable: equal times keep their order). */
export const sortByTime: TreePass = (roots) =>
  roots.map((n) => ({ ...n, children: sortByTime(n.children, NO_CONTEXT) })).sort((a, b) => b.time - a.time);

const NO_CONTEXT: PassContext = { threshold: 0, isHidden: () => false };

/** pyinstrument's console pipeline. */
export const DEFAULT_PASSES: readonly TreePass[] = [
  foldLibraries,
  mergeSiblings,
  addSelfLines,
  removeBelowThreshold,
  removeLoneSelfLines,
  sortByTime,
];
