// Pure data test of trimProfile (no sampler): a hand-made recording with known timestamps.
import { describe, expect, it } from 'vitest';
import { trimProfile, type RawProfile } from '@prof/core';

const frame = { functionName: 'f', scriptId: '1', url: 'file:///f.js', lineNumber: 0, columnNumber: 0 };
// Samples at t = 110, 120, 130, 140, 150 (µs), ids 1..5 so each is recognisable.
const recording: RawProfile = {
  nodes: [{ id: 1, callFrame: frame }],
  samples: [1, 2, 3, 4, 5],
  timeDeltas: [10, 10, 10, 10, 10],
  startTime: 100,
  endTime: 160,
};

describe('trimProfile (pure data)', () => {
  it('keeps the samples in (from, to] and recounts their deltas from the new start', () => {
    const t = trimProfile(recording, 115, 140);
    expect(t.samples).toEqual([2, 3, 4]);
    expect(t.timeDeltas).toEqual([5, 10, 10]);
    expect(t.startTime).toBe(115);
    expect(t.endTime).toBe(140);
    expect(t.nodes).toBe(recording.nodes);
  });

  it('keeps everything when the bounds are outside the recording, and never ends before it starts', () => {
    expect(trimProfile(recording, 0, 1e9)).toMatchObject({ samples: [1, 2, 3, 4, 5], startTime: 100, endTime: 160 });
    expect(trimProfile(recording, 200, 300)).toMatchObject({ samples: [], startTime: 200, endTime: 200 });
  });
});
