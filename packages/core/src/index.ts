export { profile, type ProfileOptions } from './profile.js';
export { Report, type ReportMeta } from './report.js';
export {
  OUTPUT_FORMATS,
  FORMAT_NAMES,
  isOutputFormat,
  type OutputFormat,
  type FormatSpec,
  type RenderInput,
} from './formats.js';
export {
  DEFAULTS,
  resolveOptions,
  resolveProfileOptions,
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
export type { Attribution, Microseconds, Milliseconds } from './types.js';
export {
  RequestProfiler,
  Profiler,
  createProfiler,
  type ProfilerStats,
} from './middleware/profiler.js';
export type { RequestHandle } from './middleware/request.js';
export { attachToNodeResponse, nodeRequestInfo, type NodeResponseLike } from './middleware/node-http.js';
export { reportPath, sanitizeComponent } from './middleware/files.js';
export type { Samples } from './samples.js';
export { SamplesBuilder } from './samples.js';
export type { CallFrame, RawProfile } from './types.js';
export { buildCallTree, type CallNode } from './tree/build.js';
export type { FrameInfo, FrameKind } from './tree/frames.js';
export type { View, ViewNode } from './tree/view.js';
export { DEFAULT_PASSES, type TreePass, type PassContext } from './tree/passes.js';
export { SharedSampler } from './sampler/shared.js';
export { getSharedSampler } from './sampler/registry.js';
export {
  isCpuProfile,
  reportFromCpuProfile,
  renderTimelineText,
  trimProfile,
  type CpuProfileLoadOptions,
} from './load/index.js';
export {
  Aggregator,
  type Comparison,
  type ComparisonRow,
  type ExemplarSummary,
  type RequestSet,
  type RouteSummary,
} from './aggregate/index.js';
export type { AggregateOption, AggregateSettings } from './option-types.js';
export { dashboardResponse, type DashboardHost, type DashboardResponse } from './middleware/dashboard.js';
export { serveNodeDashboard, type DashboardNodeResponse } from './middleware/dashboard-node.js';
