import type { Samples } from './samples.js';
import type { Microseconds, ReportMeta } from './types.js';

let counter = 0;
export function nextReportId(): string {
  counter = (counter + 1) % 1e9;
  return `${Date.now().toString(36)}-${counter.toString(36)}`;
}

const NOT_CPU = new Set(['(idle)', '(await)', '(await busy)']);

function notCpuFrames(samples: Samples): Set<number> {
  const notCpu = new Set<number>();
  samples.frames.forEach((f, i) => {
    if (f.url === '' && NOT_CPU.has(f.functionName)) notCpu.add(i);
  });
  return notCpu;
}

/** Samples that ran code: not V8's `(idle)`, not `(await)` (other contexts' time). */
export function cpuSampleCountOf(samples: Samples): number {
  const notCpu = notCpuFrames(samples);
  let n = 0;
  for (let i = 0; i < samples.stacks.length; i++) if (!notCpu.has(samples.stackFrame[samples.stacks[i]!]!)) n++;
  return n;
}

/** µs of the recording's own samples: not V8's `(idle)`, not `(await)` (other contexts' time). */
export function cpuTimeOfSamples(samples: Samples): Microseconds {
  let waiting = 0;
  let total = 0;
  const notCpu = notCpuFrames(samples);
  for (let i = 0; i < samples.stacks.length; i++) {
    const w = samples.weights[i]!;
    total += w;
    if (notCpu.size && notCpu.has(samples.stackFrame[samples.stacks[i]!]!)) waiting += w;
  }
  return total - waiting;
}

/** What the caller knows about a recording; the rest of ReportMeta comes from its samples. */
export type MetaFields = Partial<ReportMeta> & Pick<ReportMeta, 'startedAt' | 'sampler'>;

/** The one place a report's meta is assembled: derived fields first, the caller's on top. */
export function assembleMeta(samples: Samples, fields: MetaFields): ReportMeta {
  return {
    id: nextReportId(),
    duration: (samples.end - samples.start) / 1000,
    cpuTime: cpuTimeOfSamples(samples) / 1000,
    sampleCount: samples.stacks.length,
    cpuSampleCount: cpuSampleCountOf(samples),
    interval: samples.interval,
    truncated: false,
    ...fields,
  };
}

export { reportTitle } from './frame-kinds.js';
