import type { CallFrame, RawProfile } from './backend.js';

/** A stopped V8 profile in compact form: samples with absolute timestamps over a node table. */
export interface Segment {
  /** Monotonic µs of the profile's start and of its last sample. */
  start: number;
  end: number;
  /** Per node index: parent index (-1 for the root) and call frame. */
  parent: Int32Array;
  frames: CallFrame[];
  /** Per sample: node index and absolute timestamp (µs). */
  sampleNode: Int32Array;
  sampleTime: Float64Array;
  /** Per sample, from a labelling backend: the async context it ran in (0: none). */
  sampleLabel?: Int32Array;
}

export function toSegment(raw: RawProfile): Segment {
  const n = raw.nodes.length;
  const indexOf = new Map<number, number>();
  raw.nodes.forEach((node, i) => {
    indexOf.set(node.id, i);
  });
  const parent = new Int32Array(n).fill(-1);
  const frames: CallFrame[] = new Array(n);
  raw.nodes.forEach((node, i) => {
    frames[i] = node.callFrame;
    for (const child of node.children ?? []) {
      const c = indexOf.get(child);
      if (c !== undefined) parent[c] = i;
    }
  });
  const count = raw.samples.length;
  const sampleNode = new Int32Array(count);
  const sampleTime = new Float64Array(count);
  let t = raw.startTime;
  for (let i = 0; i < count; i++) {
    t += raw.timeDeltas[i] ?? 0;
    sampleNode[i] = indexOf.get(raw.samples[i]!) ?? 0;
    sampleTime[i] = t;
  }
  return {
    start: raw.startTime,
    end: count > 0 ? Math.max(t, raw.endTime) : raw.endTime,
    parent,
    frames,
    sampleNode,
    sampleTime,
    sampleLabel: raw.sampleLabels ? Int32Array.from(raw.sampleLabels) : undefined,
  };
}
