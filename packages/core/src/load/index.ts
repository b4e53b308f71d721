// Loading recordings made elsewhere (.cpuprofile files, the CLI's saved sessions).
export { isCpuProfile, reportFromCpuProfile, type CpuProfileLoadOptions } from './cpuprofile.js';
export { renderTimelineText } from './timeline.js';
export { trimProfile } from './trim.js';
