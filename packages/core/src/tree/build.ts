import { resolvePath } from '../prefix.js';
import type { Samples } from '../samples.js';
import type { Microseconds } from '../types.js';
import { FrameClassifier, type FrameInfo } from './frames.js';

/** A node of the aggregated call tree: every call of the same frame under the same parent merged. */
export interface CallNode {
  frame: FrameInfo;
  /** Index into Samples.frames (-1 for the synthetic root). */
  frameIndex: number;
  /** µs, this node and everything under it. */
  total: Microseconds;
  /** µs with this frame at the top of the stack. */
  self: Microseconds;
  children: CallNode[];
}

export const ROOT_FRAME: FrameInfo = {
  name: '[root]',
  url: '',
  file: '',
  line: 0,
  column: 0,
  kind: 'root',
  library: undefined,
};

/** V8's `(root)` and prof's own frames: spliced out of every tree and export, their callees moved up. */
export function isSpliced(frame: FrameInfo): boolean {
  return frame.kind === 'root' || frame.kind === 'prof';
}

/**
 * Builds the aggregated tree. V8's `(root)` and prof's own frames are spliced out (their
 * children move up), so the tree holds only the application's and its libraries' frames.
 */
export function buildCallTree(samples: Samples, classifier = new FrameClassifier()): CallNode {
  const infos = samples.frames.map((f) => classifier.info(f));
  const root: CallNode = { frame: ROOT_FRAME, frameIndex: -1, total: 0, self: 0, children: [] };
  const childIndex = new Map<CallNode, Map<number, CallNode>>();
  const nodeOfStack: (CallNode | undefined)[] = [];

  const step = (parent: CallNode, stack: number): CallNode => {
    const fi = samples.stackFrame[stack]!;
    const info = infos[fi]!;
    if (isSpliced(info)) return parent;
    let kids = childIndex.get(parent);
    if (!kids) childIndex.set(parent, (kids = new Map()));
    let child = kids.get(fi);
    if (!child) {
      child = { frame: info, frameIndex: fi, total: 0, self: 0, children: [] };
      kids.set(fi, child);
      parent.children.push(child);
    }
    return child;
  };

  for (let i = 0; i < samples.stacks.length; i++) {
    resolvePath(samples.stacks[i]!, samples.stackParent, nodeOfStack, root, step).self += samples.weights[i]!;
  }
  sumTotals(root);
  return root;
}

function sumTotals(node: CallNode): number {
  let total = node.self;
  for (const c of node.children) total += sumTotals(c);
  node.total = total;
  node.children.sort((a, b) => b.total - a.total);
  return total;
}

/** µs of samples that ran code (not idle, not `[await]` anywhere in the tree): the CPU time the recording saw. */
export function cpuTimeOf(node: CallNode): number {
  let sum = node.frame.kind === 'idle' || node.frame.kind === 'await' ? 0 : node.self;
  for (const c of node.children) sum += cpuTimeOf(c);
  return sum;
}
