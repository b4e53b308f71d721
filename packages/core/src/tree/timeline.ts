import type { Samples } from '../samples.js';
import type { ResolvedRenderOptions } from '../types.js';
import { isSpliced } from './build.js';
import type { FrameClassifier, FrameInfo } from './frames.js';
import { selfLine } from './passes.js';
import { makeHidePredicate, type View, type ViewNode } from './view.js';

interface TimelineNode {
  /** Frame index of the node (the first frame of a folded run of hidden frames). */
  key: number;
  node: ViewNode;
  self: number;
  kids: TimelineNode[];
  /** Distinct frames folded into this node, when it starts a run of hidden frames. */
  folded?: Set<number>;
}

/**
 * pyinstrument's timeline mode: the tree in time order, not aggregated. A sample extends the
 * previous sample's path as far as their stacks agree; from there on it opens new nodes, so a
 * function called twice with other work between shows twice. Runs of hidden (library) frames
 * fold into their first frame, as in the aggregated view.
 */
export function timelineView(samples: Samples, opts: ResolvedRenderOptions, classifier: FrameClassifier): View {
  const infos: FrameInfo[] = samples.frames.map((f) => classifier.info(f));
  const isHidden = makeHidePredicate(opts, (url) => classifier.pathOf(url));
  const root: TimelineNode = {
    key: -1,
    node: { kind: 'frame', frame: infos[0]!, time: 0, self: 0, children: [] },
    self: 0,
    kids: [],
  };

  const path: number[] = [];
  for (let i = 0; i < samples.stacks.length; i++) {
    const w = samples.weights[i]!;
    path.length = 0;
    for (let s = samples.stacks[i]!; s >= 0; s = samples.stackParent[s]!) path.push(samples.stackFrame[s]!);
    let node = root;
    root.node.time += w;
    let hiddenRun: TimelineNode | undefined;
    for (let k = path.length - 1; k >= 0; k--) {
      const fi = path[k]!;
      const info = infos[fi]!;
      if (isSpliced(info)) continue;
      const hidden = isHidden(info);
      if (hidden && hiddenRun) {
        const h = hiddenRun.node.hidden!;
        hiddenRun.folded!.add(fi);
        const lib = info.library ?? info.file ?? info.name;
        if (!h.libraries.includes(lib)) h.libraries.push(lib);
        continue;
      }
      const last = node.kids[node.kids.length - 1];
      let next: TimelineNode;
      if (last && last.key === fi) {
        next = last;
      } else {
        next = { key: fi, node: { kind: 'frame', frame: info, time: 0, self: 0, children: [] }, self: 0, kids: [] };
        if (hidden) {
          next.node.hidden = { count: 0, libraries: [info.library ?? info.file ?? info.name] };
          next.folded = new Set();
        }
        node.kids.push(next);
      }
      next.node.time += w;
      hiddenRun = hidden ? next : undefined;
      node = next;
    }
    node.self += w;
  }

  const total = root.node.time;
  const threshold = total * opts.filterThreshold;
  const absorb = (into: TimelineNode, from: TimelineNode): void => {
    into.node.time += from.node.time;
    into.self += from.self;
    into.kids.push(...from.kids);
    if (from.folded) for (const f of from.folded) into.folded?.add(f);
    if (from.node.hidden && into.node.hidden) {
      for (const lib of from.node.hidden.libraries)
        if (!into.node.hidden.libraries.includes(lib)) into.node.hidden.libraries.push(lib);
    }
  };
  const mergeRuns = (kids: TimelineNode[]): TimelineNode[] => {
    const out: TimelineNode[] = [];
    for (const k of kids) {
      const last = out[out.length - 1];
      if (last && last.key === k.key) absorb(last, k);
      else out.push(k);
    }
    return out;
  };
  // A GC pause or a [program] sample under the threshold should not split a function's run in
  // two: merge runs, drop what is under the threshold, and merge the runs that became adjacent.
  const visibleKids = (kids: TimelineNode[]): TimelineNode[] =>
    mergeRuns(mergeRuns(kids).filter((k) => k.node.time >= threshold && k.node.time > 0));
  const finish = (t: TimelineNode): ViewNode => {
    const v = t.node;
    for (const k of visibleKids(t.kids)) v.children.push(finish(k));
    v.self = t.self;
    if (v.children.length > 0 && t.self > 0 && t.self >= threshold) v.children.push(selfLine(t.self));
    if (v.hidden) v.hidden.count = t.folded?.size ?? 0;
    return v;
  };
  return { roots: visibleKids(root.kids).map(finish), total };
}
