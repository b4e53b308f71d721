// Loading recordings made elsewhere (.cpuprofile files, the CLI's saved sessions) and the timeline view.
export { isCpuProfile, samplesFromCpuProfile, reportFromCpuProfile, type CpuProfileLoadOptions } from './cpuprofile.js';
export { timelineView, renderTimelineText } from './timeline.js';
export { trimProfile } from './trim.js';
