export type { ProfilerOptions, Report, ReportMeta, RenderOptions } from '@prof/core';
export { Profile, PROFILE_METADATA, type NestProfilerOptions, type ProfileRouteOptions } from './decorator.js';
export { ProfilerInterceptor } from './interceptor.js';
export { ProfilerModule, PROFILER, PROFILER_OPTIONS, type ProfilerModuleAsyncOptions } from './module.js';
