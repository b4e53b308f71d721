import { Function as PFunction, Line, Location, Profile, Sample, StringTable, ValueType } from 'pprof-format';
import { reportTitle } from '../meta.js';
import { requireBuiltin } from '../runtime.js';
import type { ReportMeta } from '../types.js';
import { scriptUrl, type ExportStacks } from './stacks.js';

/**
 * The report as a pprof Profile: sample types cpu/nanoseconds (0 for idle samples) and
 * wall/nanoseconds, period = the sampling interval. Each distinct stack is one Sample
 * (locations leaf first, as pprof wants); each frame one Function and one Location.
 */
export function buildPprof(x: ExportStacks, meta: ReportMeta): Profile {
  const st = new StringTable();
  const functions: PFunction[] = [];
  const locations: Location[] = [];
  x.raw.forEach((f, i) => {
    const info = x.info[i]!;
    const id = i + 1;
    functions.push(
      new PFunction({
        id,
        name: st.dedup(info.name),
        systemName: st.dedup(f.functionName || info.name),
        filename: st.dedup(scriptUrl(f.url)),
        startLine: Math.max(f.lineNumber, 0),
      }),
    );
    locations.push(new Location({ id, line: [new Line({ functionId: id, line: Math.max(f.lineNumber, 0) })] }));
  });
  // Idle time, and (await) time spent by other requests, is wall time but not this request's CPU.
  const idle = new Set(
    x.info.map((f, i) => (f.kind === 'idle' || (f.kind as string) === 'await' ? i : -1)).filter((i) => i >= 0),
  );
  const wall = new Map<number, number>();
  const cpu = new Map<number, number>();
  for (let i = 0; i < x.sampleStack.length; i++) {
    const s = x.sampleStack[i]!;
    const ns = Math.round(x.weights[i]! * 1000);
    wall.set(s, (wall.get(s) ?? 0) + ns);
    const isIdle = s >= 0 && idle.has(x.stackFrame[s]!);
    cpu.set(s, (cpu.get(s) ?? 0) + (isIdle ? 0 : ns));
  }
  const samples: Sample[] = [];
  for (const [s, ns] of wall) {
    const locationId: number[] = [];
    for (let k = s; k >= 0; k = x.stackParent[k]!) locationId.push(x.stackFrame[k]! + 1);
    samples.push(new Sample({ locationId, value: [cpu.get(s) ?? 0, ns] }));
  }
  const cpuType = new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') });
  const wallType = new ValueType({ type: st.dedup('wall'), unit: st.dedup('nanoseconds') });
  const startedMs = Date.parse(meta.startedAt);
  return new Profile({
    sampleType: [cpuType, wallType],
    sample: samples,
    location: locations,
    function: functions,
    stringTable: st,
    timeNanos: Number.isFinite(startedMs) ? BigInt(startedMs) * 1_000_000n : 0,
    durationNanos: Math.round((x.end - x.start) * 1000),
    periodType: new ValueType({ type: st.dedup('cpu'), unit: st.dedup('nanoseconds') }),
    period: x.interval * 1000,
    comment: [st.dedup(reportTitle(meta))],
    defaultSampleType: 0,
  });
}

/** Gzipped protobuf, what `go tool pprof` reads. */
export function renderPprof(x: ExportStacks, meta: ReportMeta): Uint8Array {
  const zlib = requireBuiltin('node:zlib');
  const bytes = zlib.gzipSync(buildPprof(x, meta).encode());
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
