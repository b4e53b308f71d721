import type { HtmlData } from '../data.js';

/** A frame's stretch of the timeline (µs from the start), `depth` levels below the top. */
export interface Box {
  start: number;
  end: number;
  depth: number;
  stack: number;
  frame: number;
}

export interface Timeline {
  boxes: Box[];
  maxDepth: number;
  /** µs, at least 1. */
  span: number;
}

/** The samples in time order as boxes: a frame that stays on the stack across samples is one box. */
export function timelineBoxes(data: Pick<HtmlData, 'stacks' | 'timeline'>): Timeline {
  const boxes: Box[] = [];
  let maxDepth = 0;
  const open: (Box | undefined)[] = [];
  let t = 0;
  for (let i = 0; i < data.timeline.length; i += 2) {
    const s = data.timeline[i]!;
    const w = data.timeline[i + 1]!;
    const path: number[] = [];
    for (let k = s; k >= 0; k = data.stacks[2 * k]!) path.push(k);
    path.reverse();
    if (path.length > maxDepth) maxDepth = path.length;
    for (let d = 0; d < path.length; d++) {
      const b = open[d];
      if (b && b.stack === path[d] && b.end === t) b.end = t + w;
      else {
        const nb = { start: t, end: t + w, depth: d, stack: path[d]!, frame: data.stacks[2 * path[d]! + 1]! };
        boxes.push(nb);
        open[d] = nb;
      }
    }
    open.length = path.length;
    t += w;
  }
  return { boxes, maxDepth, span: Math.max(1, t) };
}
