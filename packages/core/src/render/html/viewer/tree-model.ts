import { kindOfCode } from '../../../frame-kinds.js';
import type { FrameKind } from '../../../tree/frames.js';
import type { HtmlData } from '../data.js';

// The call tree as the viewer shows it, without the DOM: the embedded stacks become a tree, and
// the tree becomes lines by the same passes as core's tree/view.ts (threshold, `[self]` lines,
// library folding, merging), so the page and `report.text()` agree. Pure functions; tested in Node.

export type Frame = HtmlData['frames'][number];
export type TreeData = Pick<HtmlData, 'frames' | 'stacks' | 'weights'>;

/** A node of the aggregated call tree (µs). */
export interface CallNode {
  frame: number;
  total: number;
  self: number;
  children: CallNode[];
}

export interface CallTree {
  frames: Frame[];
  root: CallNode;
  /**
   * Per frame, the first frame with its name, file, line and column: core merges lines by those
   * (the same function reached through different paths is one line).
   */
  canonical: number[];
}

export interface Row {
  /** The path of identities from the top: stable across rebuilds, so open lines stay open. */
  key: string;
  kind: 'frame' | 'self' | 'group';
  /** Index into frames; -1 for `[self]` lines. */
  frame: number;
  time: number;
  /** Time in the line's own frames (a group's: in all its hidden frames), summed when lines merge. */
  self: number;
  children: Row[];
  /** Set where library frames were folded: how many, and which libraries. */
  hidden?: { count: number; libraries: string[] };
  /** The call-tree nodes a folded row stands for, to unfold it on request. */
  raw: CallNode[];
  parent: Row | null;
  depth: number;
}

export interface RowOptions {
  /** Lines under this share of the CPU time are dropped (core's filterThreshold). */
  threshold: number;
  /** Show library frames instead of folding them (core's showAll). */
  showAll: boolean;
  /** Keys of folded rows whose hidden frames are shown. */
  revealed?: ReadonlySet<string>;
}

/** The embedded stack table as an aggregated tree, children heaviest first as in core's buildCallTree. */
export function callTree(data: TreeData): CallTree {
  const n = data.stacks.length / 2;
  const root: CallNode = { frame: -1, total: 0, self: 0, children: [] };
  const nodes: CallNode[] = [];
  for (let s = 0; s < n; s++) nodes.push({ frame: data.stacks[2 * s + 1]!, total: 0, self: 0, children: [] });
  for (let s = 0; s < n; s++) {
    const p = data.stacks[2 * s]!;
    (p < 0 ? root : nodes[p]!).children.push(nodes[s]!);
  }
  for (let i = 0; i < data.weights.length; i += 2) {
    const s = data.weights[i]!;
    (s < 0 ? root : nodes[s]!).self += data.weights[i + 1]!;
  }
  // A parent's stack index is below its children's, so one backward pass sums the totals.
  for (let s = n - 1; s >= 0; s--) {
    const node = nodes[s]!;
    node.total += node.self;
    const p = data.stacks[2 * s]!;
    (p < 0 ? root : nodes[p]!).total += node.total;
  }
  root.total += root.self;
  for (const node of nodes) node.children.sort((a, b) => b.total - a.total);
  root.children.sort((a, b) => b.total - a.total);
  const first = new Map<string, number>();
  const canonical = data.frames.map((f, i) => {
    const id = `${f[0]}\u0000${f[1]}\u0000${f[2]}\u0000${f[3]}`;
    const seen = first.get(id);
    if (seen !== undefined) return seen;
    first.set(id, i);
    return i;
  });
  return { frames: data.frames, root, canonical };
}

export function kindOf(tree: CallTree, frame: number): FrameKind {
  const f = tree.frames[frame];
  return f ? kindOfCode(f[4]) : 'root';
}

/** The line's text: a function name, `[self]` or `[N frames hidden]`. */
export function labelOf(tree: CallTree, r: Row): string {
  if (r.kind === 'self') return '[self]';
  if (r.kind === 'group') return `[${r.hidden?.count ?? 0} frames hidden]`;
  return tree.frames[r.frame]![0];
}

/** `file:line` of a frame line, '' where unknown. */
export function locationOf(tree: CallTree, r: Row): string {
  if (r.kind !== 'frame') return '';
  const f = tree.frames[r.frame]!;
  return f[1] ? (f[2] > 0 ? `${f[1]}:${f[2]}` : f[1]) : '';
}

/** µs of a subtree that ran code: core's cpuTimeOf (tree/build.ts). */
export function cpuTimeOf(tree: CallTree, node: CallNode): number {
  const kind = node.frame < 0 ? 'root' : kindOf(tree, node.frame);
  let sum = kind === 'idle' || kind === 'await' ? 0 : node.self;
  for (const c of node.children) sum += cpuTimeOf(tree, c);
  return sum;
}

/** pyinstrument's processors as in core's buildView; a revealed folded row shows its frames unfolded. */
export function buildRows(tree: CallTree, opts: RowOptions): Row[] {
  // As core: a share of the CPU time (idle and [await] left out), not of the wall time.
  const min = cpuTimeOf(tree, tree.root) * opts.threshold;
  const folding = (f: number): boolean => !opts.showAll && kindOf(tree, f) === 'library';
  const never = (): boolean => false;
  const library = (f: number): string => {
    const fr = tree.frames[f]!;
    return fr[5] || fr[1] || fr[0];
  };
  const row = (kind: Row['kind'], frame: number, time: number, raw: CallNode[] = []): Row => ({
    key: '',
    kind,
    frame,
    time,
    self: 0,
    children: [],
    raw,
    parent: null,
    depth: 0,
  });

  const finish = (r: Row, self: number): Row => {
    // As core: merge first; `[self]` lines and the threshold apply to merged lines (prune, below).
    r.self = self;
    r.children = mergeSiblings(tree, r.children);
    return r;
  };

  // core's removeBelowThreshold, removeLoneSelfLines and sortByTime, over merged lines.
  const prune = (rows: Row[]): Row[] => {
    const kept = rows.filter((r) => r.time >= min && r.time > 0);
    for (const r of kept) {
      if (r.children.length > 0 && r.self > 0) r.children.push(row('self', -1, r.self));
      r.children = prune(r.children);
      if (!r.hidden && r.children.length === 1 && r.children[0]!.kind === 'self') r.children = [];
    }
    return kept.sort((a, b) => b.time - a.time);
  };

  const visit = (node: CallNode, top: boolean, isHidden: (f: number) => boolean): Row => {
    if (!isHidden(node.frame)) {
      const r = row('frame', node.frame, node.total);
      for (const c of node.children) r.children.push(visit(c, false, isHidden));
      return finish(r, node.self);
    }
    // The group: this frame and every hidden frame reachable through hidden frames.
    let count = 0;
    let self = 0;
    const libraries = new Set<string>();
    const exits: CallNode[] = [];
    const stack = [node];
    while (stack.length) {
      const n = stack.pop()!;
      count++;
      self += n.self;
      libraries.add(library(n.frame));
      for (const c of n.children) (isHidden(c.frame) ? stack : exits).push(c);
    }
    if (count === 1 && !top) {
      const r = row('frame', node.frame, node.total);
      for (const c of node.children) r.children.push(visit(c, false, isHidden));
      return finish(r, node.self);
    }
    const r = row(top ? 'group' : 'frame', node.frame, node.total, [node]);
    r.hidden = { count: top ? count : count - 1, libraries: [...libraries] };
    for (const c of exits) r.children.push(visit(c, false, isHidden));
    return finish(r, self);
  };

  // A revealed group holds its entry frames unfolded; a revealed frame keeps its line and unfolds below it.
  const unfold = (r: Row): Row[] => {
    const out = row(r.kind, r.frame, r.time);
    let self = 0;
    for (const n of r.raw) {
      if (r.kind === 'group') out.children.push(visit(n, false, never));
      else {
        self += n.self;
        for (const c of n.children) out.children.push(visit(c, false, never));
      }
    }
    const done = finish(out, self);
    if (done.children.length > 0 && done.self > 0) done.children.push(row('self', -1, done.self));
    return prune(done.children);
  };

  const link = (rows: Row[], parent: Row | null): void => {
    for (const r of rows) {
      r.parent = parent;
      r.depth = parent ? parent.depth + 1 : 0;
      r.key = `${parent ? parent.key : ''}/${identity(tree, r)}`;
      if (r.hidden && opts.revealed?.has(r.key)) r.children = unfold(r);
      link(r.children, r);
    }
  };

  const roots: Row[] = [];
  for (const c of tree.root.children) roots.push(visit(c, true, folding));
  const merged = prune(mergeSiblings(tree, roots));
  link(merged, null);
  return merged;
}

function identity(tree: CallTree, r: Row): string {
  // Short: every row's key repeats its ancestors' identities.
  if (r.kind === 'group') return `g${r.hidden?.libraries.join(',')}`;
  return r.kind === 'self' ? 's' : `f${tree.canonical[r.frame]}`;
}

/** The same function reached through different hidden paths is one line (core's mergeSiblings). */
function mergeSiblings(tree: CallTree, rows: Row[]): Row[] {
  if (rows.length < 2) return rows;
  const byId = new Map<string, Row>();
  const out: Row[] = [];
  for (const r of rows) {
    const id = identity(tree, r);
    const seen = byId.get(id);
    if (!seen) {
      byId.set(id, r);
      out.push(r);
      continue;
    }
    seen.time += r.time;
    seen.self += r.self;
    seen.raw = seen.raw.concat(r.raw);
    if (r.hidden && seen.hidden) {
      seen.hidden.count = Math.max(seen.hidden.count, r.hidden.count);
      seen.hidden.libraries = [...new Set([...seen.hidden.libraries, ...r.hidden.libraries])];
    }
    seen.children = mergeSiblings(tree, [...seen.children, ...r.children]).sort((a, b) => b.time - a.time);
  }
  return out;
}

/** Keys to open first: the heaviest path down to where time splits (lines of at least 5% of the total). */
export function heaviestPath(roots: Row[], total: number): string[] {
  const keys: string[] = [];
  let rows = roots;
  for (let d = 0; d < 40 && rows.length; d++) {
    const r = rows[0]!;
    if (r.time < total * 0.05) break;
    keys.push(r.key);
    rows = r.children;
  }
  return keys;
}

/** Every row, depth first (for Expand all). */
export function eachRow(rows: Row[], fn: (r: Row) => void): void {
  for (const r of rows) {
    fn(r);
    eachRow(r.children, fn);
  }
}
