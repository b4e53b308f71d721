import type { RenderOptions } from '../options.js';
import { renderText } from '../render/text.js';
import type { Report } from '../report.js';
import { FrameClassifier, type FrameInfo } from '../tree/frames.js';
import { makeHidePredicate, type View, type ViewNode } from '../tree/view.js';

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
export function timelineView(report: Report, overrides: RenderOptions = {}): View {
  const opts = report.renderOptions(overrides);
  const { samples } = report;
  const classifier = new FrameClassifier();
  const infos: FrameInfo[] = samples.frames.map((f) => classifier.info(f));
  const isHidden = makeHidePredicate(opts, (url) => classifier.pathOf(url));
  const root: TimelineNode = { key: -1, node: { kind: 'frame', frame: infos[0]!, time: 0, children: [] }, self: 0, kids: [] };

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
      if (info.kind === 'root' || info.kind === 'prof') continue;
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
        next = { key: fi, node: { kind: 'frame', frame: info, time: 0, children: [] }, self: 0, kids: [] };
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
  const finish = (t: TimelineNode): ViewNode => {
    const v = t.node;
    for (const k of t.kids) if (k.node.time >= threshold && k.node.time > 0) v.children.push(finish(k));
    if (v.children.length > 0 && t.self > 0 && t.self >= threshold) {
      v.children.push({ kind: 'self', frame: { ...v.frame, name: '[self]', file: '', line: 0, kind: 'app', library: undefined }, time: t.self, children: [] });
    }
    if (v.hidden) v.hidden.count = t.folded?.size ?? 0;
    return v;
  };
  const roots: ViewNode[] = [];
  for (const k of root.kids) if (k.node.time >= threshold && k.node.time > 0) roots.push(finish(k));
  return { roots, total };
}

/** The text report in timeline mode (same header as Report.text()). */
export function renderTimelineText(report: Report, overrides: RenderOptions = {}): string {
  return renderText(timelineView(report, overrides), report.meta, report.renderOptions(overrides));
}
