import { scriptUrl, type ExportStacks } from './stacks.js';

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
  hitCount: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Chrome DevTools' `.cpuprofile` (the Profiler.Profile of the DevTools protocol): node 1 is
 * `(root)`, every other node a call frame under its parent; lines and columns are 0-based
 * (core keeps them 1-based); `samples[i]` is the node on top at `startTime + Σ timeDeltas[0..i]`.
 */
export function buildCpuProfile(x: ExportStacks): CpuProfile {
  const root: CpuProfileNode = {
    id: 1,
    callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 },
    hitCount: 0,
  };
  const nodes: CpuProfileNode[] = [root];
  // Our stack ids map one to one onto nodes: stack s is node s + 2.
  for (let s = 0; s < x.stackParent.length; s++) {
    const f = x.raw[x.stackFrame[s]!]!;
    const node: CpuProfileNode = {
      id: s + 2,
      callFrame: {
        functionName: f.functionName,
        scriptId: '0',
        url: scriptUrl(f.url),
        lineNumber: f.lineNumber > 0 ? f.lineNumber - 1 : -1,
        columnNumber: f.columnNumber > 0 ? f.columnNumber - 1 : -1,
      },
      hitCount: 0,
    };
    nodes.push(node);
    const parent = nodes[x.stackParent[s]! + 1]!; // -1 (top) is the root, nodes[0]
    (parent.children ??= []).push(node.id);
  }
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  const startTime = Math.round(x.start);
  let prev = startTime;
  for (let i = 0; i < x.sampleStack.length; i++) {
    const id = x.sampleStack[i]! + 2;
    samples.push(id);
    nodes[id - 1]!.hitCount++;
    const t = x.timestamps[i]!;
    const delta = Math.max(0, Math.round(t - prev));
    timeDeltas.push(delta);
    prev += delta;
  }
  return { nodes, startTime, endTime: Math.round(Math.max(x.end, prev)), samples, timeDeltas };
}

export function renderCpuProfile(x: ExportStacks): string {
  return JSON.stringify(buildCpuProfile(x));
}
