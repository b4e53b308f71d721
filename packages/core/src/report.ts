import { fillRenderOptions, type RenderOptions, type ResolvedRenderOptions } from './options.js';
import { formatSpec, type OutputFormat } from './export/formats.js';
import { renderCollapsed } from './export/collapsed.js';
import { renderCpuProfile } from './export/cpuprofile.js';
import { renderPprof } from './export/pprof.js';
import { renderSpeedscope } from './export/speedscope.js';
import { renderHtml } from './render/html.js';
import { renderJson } from './render/json.js';
import { renderText } from './render/text.js';
import type { BackendName } from './sampler/backend.js';
import type { Samples } from './samples.js';
import { buildCallTree, type CallNode } from './tree/build.js';
import { FrameClassifier } from './tree/frames.js';
import { buildView, makeHidePredicate, type View } from './tree/view.js';

export interface ReportMeta {
  /** Unique within the process. */
  id: string;
  /** What was profiled when it is not a request (profile(), the CLI). */
  name?: string;
  method?: string;
  /** Request path with query string, as received. */
  path?: string;
  /** The framework's route pattern, e.g. `/users/:id`. */
  route?: string;
  status?: number;
  /** ISO 8601 wall-clock time the recording started. */
  startedAt: string;
  /** Wall-clock milliseconds. */
  duration: number;
  /** Milliseconds of samples that were not idle. */
  cpuTime: number;
  sampleCount: number;
  /** Sampling interval, µs. */
  interval: number;
  sampler: BackendName;
  /** The recording was cut off at maxDuration. */
  truncated: boolean;
  /** Extra fields set by adapters (e.g. NestJS controller and handler). */
  [key: string]: unknown;
}

let counter = 0;
export function nextReportId(): string {
  counter = (counter + 1) % 1e9;
  return `${Date.now().toString(36)}-${counter.toString(36)}`;
}

/** µs of the recording's own samples: not V8's `(idle)`, not `(await)` (other contexts' time). */
export function cpuTimeOfSamples(samples: Samples): number {
  let waiting = 0;
  let total = 0;
  const notCpu = new Set<number>();
  samples.frames.forEach((f, i) => {
    if (f.url === '' && (f.functionName === '(idle)' || f.functionName === '(await)')) notCpu.add(i);
  });
  for (let i = 0; i < samples.stacks.length; i++) {
    const w = samples.weights[i]!;
    total += w;
    if (notCpu.size && notCpu.has(samples.stackFrame[samples.stacks[i]!]!)) waiting += w;
  }
  return total - waiting;
}

/**
 * One profiled request or call. Holds only its samples; trees and renderings are built on
 * demand and the tree is kept once built.
 */
export class Report {
  readonly meta: ReportMeta;
  readonly samples: Samples;
  private readonly defaults: RenderOptions;
  private readonly colorDefault: boolean;
  private treeCache: CallNode | undefined;
  private classifier: FrameClassifier | undefined;

  constructor(samples: Samples, meta: ReportMeta, defaults: RenderOptions = {}, colorDefault = false) {
    this.samples = samples;
    this.meta = meta;
    this.defaults = defaults;
    this.colorDefault = colorDefault;
  }

  /** The aggregated call tree (prof's own frames and V8's root removed). */
  tree(): CallNode {
    this.classifier ??= new FrameClassifier();
    return (this.treeCache ??= buildCallTree(this.samples, this.classifier));
  }

  renderOptions(overrides: RenderOptions = {}): ResolvedRenderOptions {
    return fillRenderOptions({ ...this.defaults, ...overrides }, this.colorDefault);
  }

  /** The tree after pyinstrument's processors (thresholds, `[self]`, library folding). */
  view(overrides: RenderOptions = {}): View {
    const opts = this.renderOptions(overrides);
    const root = this.tree();
    const classifier = this.classifier!;
    return buildView(
      root,
      opts,
      makeHidePredicate(opts, (url) => classifier.pathOf(url)),
    );
  }

  text(overrides: RenderOptions = {}): string {
    return renderText(this.view(overrides), this.meta, this.renderOptions(overrides));
  }

  json(): string {
    return renderJson(this.tree(), this.meta, this.renderOptions().filterThreshold);
  }

  /** The interactive, self-contained HTML report (call tree and timeline). */
  html(): string {
    return renderHtml(this);
  }

  /** speedscope's file format (https://www.speedscope.app). */
  speedscope(): string {
    return renderSpeedscope(this);
  }

  /** Chrome DevTools' .cpuprofile. */
  cpuprofile(): string {
    return renderCpuProfile(this);
  }

  /** Brendan Gregg's folded stacks for flamegraph.pl. */
  collapsed(): string {
    return renderCollapsed(this);
  }

  /** Gzipped pprof protobuf for `go tool pprof`. */
  pprof(): Uint8Array {
    return renderPprof(this);
  }

  /** Any output format by name (strings for text formats, bytes for pprof). */
  render(format: OutputFormat): string | Uint8Array {
    return formatSpec(format).render(this);
  }
}
