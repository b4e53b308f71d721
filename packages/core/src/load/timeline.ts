import { renderText } from '../render/text.js';
import type { Report } from '../report.js';
import { FrameClassifier } from '../tree/frames.js';
import { timelineView } from '../tree/timeline.js';
import type { RenderOptions } from '../types.js';

/** The text report in timeline mode (same header as Report.text()). */
export function renderTimelineText(report: Report, overrides: RenderOptions = {}): string {
  const opts = report.renderOptions(overrides);
  return renderText(timelineView(report.samples, opts, new FrameClassifier()), report.meta, opts);
}
