// The format registry: every report format in one table, beside Report. Report's methods, the
// `output` option, `?profile=` triggers, outputDir files and the CLI's -r choices all read it,
// so a new format is one row here.
import type { ExportStacks } from './export/stacks.js';
import { renderCollapsed } from './export/collapsed.js';
import { renderCpuProfile } from './export/cpuprofile.js';
import { renderPprof } from './export/pprof.js';
import { renderSpeedscope } from './export/speedscope.js';
import { renderHtml } from './render/html.js';
import { renderJson } from './render/json.js';
import { renderText } from './render/text.js';
import type { CallNode } from './tree/build.js';
import type { View } from './tree/view.js';
import type { RenderOptions, ReportMeta, ResolvedRenderOptions } from './types.js';

/** What a format renders from: a recording's data, built lazily (Report caches it). */
export interface RenderInput {
  readonly meta: ReportMeta;
  /** The aggregated call tree. */
  tree(): CallNode;
  /** The samples as exporters want them (prof's and V8's root frames spliced out). */
  stacks(): ExportStacks;
  /** The tree after the tree passes. */
  view(overrides?: RenderOptions): View;
  renderOptions(overrides?: RenderOptions): ResolvedRenderOptions;
}

export interface FormatSpec {
  /** File extension, without the dot. */
  ext: string;
  contentType: string;
  /** Bytes rather than text (never printed to a terminal). */
  binary: boolean;
  render(input: RenderInput): string | Uint8Array;
}

const TEXT = 'text/plain; charset=utf-8';
const JSON_TYPE = 'application/json; charset=utf-8';

/** The text report of `input` with `overrides` over its render options. */
export function textOf(input: RenderInput, overrides: RenderOptions = {}): string {
  return renderText(input.view(overrides), input.meta, input.renderOptions(overrides));
}

/** Every report format: its file extension, content type, and how to render it. */
export const OUTPUT_FORMATS = {
  text: { ext: 'txt', contentType: TEXT, binary: false, render: (r): string => textOf(r, { color: false }) },
  json: {
    ext: 'json',
    contentType: JSON_TYPE,
    binary: false,
    render: (r): string => renderJson(r.tree(), r.meta, r.renderOptions().filterThreshold),
  },
  html: {
    ext: 'html',
    contentType: 'text/html; charset=utf-8',
    binary: false,
    render: (r): string => renderHtml(r.stacks(), r.meta),
  },
  speedscope: {
    ext: 'speedscope.json',
    contentType: JSON_TYPE,
    binary: false,
    render: (r): string => renderSpeedscope(r.stacks(), r.meta),
  },
  cpuprofile: {
    ext: 'cpuprofile',
    contentType: JSON_TYPE,
    binary: false,
    render: (r): string => renderCpuProfile(r.stacks()),
  },
  collapsed: {
    ext: 'collapsed.txt',
    contentType: TEXT,
    binary: false,
    render: (r): string => renderCollapsed(r.stacks()),
  },
  pprof: {
    ext: 'pb.gz',
    contentType: 'application/octet-stream',
    binary: true,
    render: (r): Uint8Array => renderPprof(r.stacks(), r.meta),
  },
} as const satisfies Record<string, FormatSpec>;

export type OutputFormat = keyof typeof OUTPUT_FORMATS;

/** The formats' names, in the table's order (the CLI's -r choices). */
export const FORMAT_NAMES: readonly OutputFormat[] = Object.keys(OUTPUT_FORMATS) as OutputFormat[];

export function isOutputFormat(value: unknown): value is OutputFormat {
  return typeof value === 'string' && Object.hasOwn(OUTPUT_FORMATS, value);
}

/** @internal The registry row of a format; throws on an unknown name. */
export function formatSpec(format: OutputFormat): FormatSpec {
  if (!isOutputFormat(format)) throw new TypeError(`prof: unknown report format '${format}'`);
  return OUTPUT_FORMATS[format];
}
