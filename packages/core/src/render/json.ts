import type { ReportMeta } from '../types.js';
import { type CallNode, cpuTimeOf } from '../tree/build.js';

/** One node of the JSON report (docs/formats.md). Times in milliseconds. */
export interface JsonNode {
  function: string;
  file: string;
  line: number;
  column: number;
  kind: string;
  library?: string;
  time: number;
  self: number;
  children: JsonNode[];
}

export interface JsonReport {
  schema: 'prof.report/1';
  meta: ReportMeta;
  tree: JsonNode;
}

const ms = (us: number): number => Math.round(us) / 1000;

/** The aggregated tree with nothing folded; frames under `filterThreshold` of the CPU time are dropped. */
export function renderJson(root: CallNode, meta: ReportMeta, filterThreshold: number): string {
  const threshold = cpuTimeOf(root) * filterThreshold;
  const convert = (n: CallNode): JsonNode => {
    const node: JsonNode = {
      function: n.frame.name,
      file: n.frame.file,
      line: n.frame.line,
      column: n.frame.column,
      kind: n.frame.kind,
      time: ms(n.total),
      self: ms(n.self),
      children: [],
    };
    if (n.frame.library) node.library = n.frame.library;
    for (const c of n.children) if (c.total >= threshold && c.total > 0) node.children.push(convert(c));
    return node;
  };
  const out: JsonReport = { schema: 'prof.report/1', meta, tree: convert(root) };
  return JSON.stringify(out);
}
