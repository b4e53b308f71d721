import type { Samples } from '../samples.js';
import { FrameClassifier, type FrameInfo } from './frames.js';

/** A node of the aggregated call tree: every call of the same frame under the same parent merged. */
export interface CallNode {
  frame: FrameInfo;
  /** Index into Samples.frames (-1 for the synthetic root). */
  frameIndex: number;
  /** µs, this node and everything under it. */
  total: number;
  /** µs with this frame at the top of the stack. */
  self: number;
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

/**
 * Builds the aggregated tree. V8's `(root)` and prof's own frames are spliced out (their
 * children move up), so the tree holds only the application's and its libraries' frames.
 */
export function buildCallTree(samples: Samples, classifier = new FrameClassifier()): CallNode {
  const infos = samples.frames.map((f) => classifier.info(f));
  const root: CallNode = { frame: ROOT_FRAME, frameIndex: -1, total: 0, self: 0, children: [] };
  const childIndex = new Map<CallNode, Map<number, CallNode>>();
  const nodeOfStack = new Map<number, CallNode>();

  const nodeFor = (stack: number): CallNode => {
    const known = nodeOfStack.get(stack);
    if (known) return known;
    const chain: number[] = [];
    let s = stack;
    while (s >= 0 && !nodeOfStack.has(s)) {
      chain.push(s);
      s = samples.stackParent[s]!;
    }
    let parent = s >= 0 ? nodeOfStack.get(s)! : root;
    for (let k = chain.length - 1; k >= 0; k--) {
      const id = chain[k]!;
      const fi = samples.stackFrame[id]!;
      const info = infos[fi]!;
      if (info.kind !== 'root' && info.kind !== 'prof') {
        let kids = childIndex.get(parent);
        if (!kids) childIndex.set(parent, (kids = new Map()));
        let child = kids.get(fi);
        if (!child) {
          child = { frame: info, frameIndex: fi, total: 0, self: 0, children: [] };
          kids.set(fi, child);
          parent.children.push(child);
        }
        parent = child;
      }
      nodeOfStack.set(id, parent);
    }
    return parent;
  };

  for (let i = 0; i < samples.stacks.length; i++) {
    nodeFor(samples.stacks[i]!).self += samples.weights[i]!;
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

/** µs of samples that were not idle: the CPU time the recording saw. */
export function cpuTimeOf(root: CallNode): number {
  let idle = 0;
  for (const c of root.children) if (c.frame.kind === 'idle') idle += c.total;
  return root.total - idle;
}
