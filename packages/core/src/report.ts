import { fillRenderOptions, mergeRenderOptions } from './defaults.js';
import { exportStacks, type ExportStacks } from './export/stacks.js';
import { OUTPUT_FORMATS, formatSpec, textOf, type OutputFormat, type RenderInput } from './formats.js';
import type { Samples } from './samples.js';
import { resolveSourceMaps } from './sourcemap/index.js';
import { getAsyncSites, stitchAsync } from './tree/async.js';
import { buildCallTree, type CallNode } from './tree/build.js';
import { FrameClassifier } from './tree/frames.js';
import { buildView, makeHidePredicate, type View } from './tree/view.js';
import type { Logger, RenderOptions, ReportMeta, ResolvedRenderOptions } from './types.js';

export type { ReportMeta };

/** Where a report's frames are located: through source maps (default) or as V8 recorded them. */
export interface ReportSourceOptions {
  /** Default true. */
  sourceMaps?: boolean;
  /** Receives one warning per unusable source map. Default console. */
  logger?: Pick<Logger, 'warn'>;
}

/**
 * One profiled request or call. Holds only its samples; the tree and the exporters' stacks are
 * built on demand and kept once built; every format renders from them (see formats.ts).
 */
export class Report implements RenderInput {
  readonly meta: ReportMeta;
  /** The samples as V8 recorded them: frames at their compiled locations. */
  readonly recorded: Samples;
  private readonly defaults: ResolvedRenderOptions;
  private readonly sources: ReportSourceOptions;
  private stitchedCache: Samples | undefined;
  private located: Samples | undefined;
  private treeCache: CallNode | undefined;
  private stacksCache: ExportStacks | undefined;
  private classifierCache: FrameClassifier | undefined;

  /** `render`: the default render options of this report, filled once (`color` at `colorDefault`). */
  constructor(
    samples: Samples,
    meta: ReportMeta,
    render: RenderOptions = {},
    colorDefault = false,
    sources: ReportSourceOptions = {},
  ) {
    this.recorded = samples;
    this.meta = meta;
    this.defaults = fillRenderOptions(render, colorDefault);
    this.sources = sources;
  }

  /**
   * The recorded samples with each async continuation under the chain that awaited it
   * (tree/async.ts, caller memory in tree/async-sites.ts), still at compiled locations: caller edges learnt from earlier reports and
   * V8's captured async stacks are in compiled locations too, so stitching comes before mapping.
   */
  get stitched(): Samples {
    // Caller edges are remembered per route: the same function may be called differently elsewhere.
    const scope = this.meta.route === undefined ? '' : `${this.meta.method ?? ''} ${this.meta.route}`;
    const classifier = this.classifier;
    return (this.stitchedCache ??= stitchAsync(this.recorded, getAsyncSites(), scope, (url) => classifier.isOwn(url)));
  }

  /**
   * The samples every rendering starts from: stitched (above), then frames at their original
   * source locations where source maps say so. Maps are read here, on first use, so a report
   * nobody renders reads none.
   */
  get samples(): Samples {
    if (this.located) return this.located;
    const { sourceMaps = true, logger = console } = this.sources;
    const stitched = this.stitched;
    if (!sourceMaps) return (this.located = stitched);
    const warn = (m: string): void => {
      try {
        logger.warn(m);
      } catch {
        // A logger that throws is not ours to fix.
      }
    };
    const classifier = this.classifier;
    // prof's own frames are spliced out of every tree: their maps would be read for nothing.
    return (this.located = resolveSourceMaps(stitched, warn, (url) => classifier.isOwn(url)));
  }

  private get classifier(): FrameClassifier {
    return (this.classifierCache ??= new FrameClassifier());
  }

  /** The aggregated call tree (prof's own frames and V8's root removed). */
  tree(): CallNode {
    return (this.treeCache ??= buildCallTree(this.samples, this.classifier));
  }

  /** The samples as exporters want them. */
  stacks(): ExportStacks {
    return (this.stacksCache ??= exportStacks(this.samples, this.classifier));
  }

  renderOptions(overrides: RenderOptions = {}): ResolvedRenderOptions {
    return mergeRenderOptions(this.defaults, overrides);
  }

  /** The tree after the tree passes (threshold, `[self]` lines, library folding, merging). */
  view(overrides: RenderOptions = {}): View {
    const opts = this.renderOptions(overrides);
    const classifier = this.classifier;
    return buildView(
      this.tree(),
      opts,
      makeHidePredicate(opts, (url) => classifier.pathOf(url)),
    );
  }

  /** pyinstrument's console tree. */
  text(overrides: RenderOptions = {}): string {
    return textOf(this, overrides);
  }

  json(): string {
    return OUTPUT_FORMATS.json.render(this);
  }

  /** The interactive, self-contained HTML report (call tree and timeline). */
  html(): string {
    return OUTPUT_FORMATS.html.render(this);
  }

  /** speedscope's file format (https://www.speedscope.app). */
  speedscope(): string {
    return OUTPUT_FORMATS.speedscope.render(this);
  }

  /** Chrome DevTools' .cpuprofile. */
  cpuprofile(): string {
    return OUTPUT_FORMATS.cpuprofile.render(this);
  }

  /** Brendan Gregg's folded stacks for flamegraph.pl. */
  collapsed(): string {
    return OUTPUT_FORMATS.collapsed.render(this);
  }

  /** Gzipped pprof protobuf for `go tool pprof`. */
  pprof(): Uint8Array {
    return OUTPUT_FORMATS.pprof.render(this);
  }

  /** Any output format by name (strings for text formats, bytes for pprof). */
  render(format: OutputFormat): string | Uint8Array {
    return formatSpec(format).render(this);
  }
}
