export { profile, type ProfileOptions } from './profile.js';
export { Report, type ReportMeta } from './report.js';
export {
  resolveOptions,
  resolveRenderOptions,
  type ProfilerOptions,
  type RenderOptions,
  type ResolvedOptions,
  type ResolvedRenderOptions,
  type RequestInfo,
  type Logger,
  type FileNameInfo,
  type SamplerKind,
} from './options.js';
export { Profiler, createProfiler, type RequestHandle, type ProfilerStats } from './middleware/controller.js';
export {
  attachToNodeResponse,
  appendServerTiming,
  nodeRequestInfo,
  type NodeResponseLike,
} from './middleware/node-http.js';
export { reportPath, sanitizeComponent, writeAtomic } from './middleware/files.js';
export { OUTPUT_FORMATS, formatSpec, type OutputFormat, type FormatSpec } from './export/formats.js';
export type { Samples } from './samples.js';
export { SamplesBuilder } from './samples.js';
export type { CallFrame, RawProfile } from './sampler/backend.js';
export { buildCallTree, type CallNode } from './tree/build.js';
export type { FrameInfo, FrameKind } from './tree/frames.js';
export type { View, ViewNode } from './tree/view.js';
export { getSharedSampler, SharedSampler } from './sampler/shared.js';
export {
  isCpuProfile,
  samplesFromCpuProfile,
  reportFromCpuProfile,
  timelineView,
  renderTimelineText,
  type CpuProfileLoadOptions,
} from './load/index.js';
export { trimProfile } from './load/index.js';
