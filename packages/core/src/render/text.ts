import pc from 'picocolors';
import type { ReportMeta, ResolvedRenderOptions } from '../types.js';
import type { View, ViewNode } from '../tree/view.js';
import { clockTime, formatPercent, formatSeconds, location } from './format.js';

type Colors = ReturnType<typeof pc.createColors>;

/** The request line of a report header: `GET /orders/42 → 200  (route /orders/:id)`. */
export function requestLine(meta: ReportMeta): string {
  if (meta.method === undefined) return meta.name ?? '';
  let line = `${meta.method} ${meta.path ?? ''}`;
  if (meta.status !== undefined) line += ` → ${meta.status}`;
  if (meta.route && meta.route !== meta.path) line += `  (route ${meta.route})`;
  return line;
}

function header(meta: ReportMeta, c: Colors, opts: ResolvedRenderOptions): string {
  const secs = (ms: number): string => formatSeconds(ms * 1000, meta.interval);
  const truncated = meta.truncated ? `    ${c.yellow('truncated at maxDuration')}` : '';
  const lines = [
    '',
    `  ${c.bold('prof')}  Recorded: ${clockTime(new Date(meta.startedAt))}    Samples:  ${sampleText(meta)}`,
    `        Duration: ${secs(meta.duration)}    CPU time: ${secs(meta.cpuTime)}`,
    `        Sampler:  ${meta.sampler}, ${meta.interval}µs${truncated}`,
    '',
  ];
  if (meta.method !== undefined) lines.push(`${c.bold('Request:')} ${requestLine(meta)}`, '');
  if (typeof meta.controller === 'string' && typeof meta.handler === 'string') {
    lines.splice(lines.length - 1, 0, `${c.bold('Handler:')} ${meta.controller}.${meta.handler}`);
  } else if (meta.name) lines.push(`${c.bold('Program:')} ${meta.name}`, '');
  if (opts.time === 'percent') lines.push(c.dim('(times are shares of the total)'), '');
  return lines.join('\n');
}

/** All samples, and those that ran code when some only waited. */
function sampleText(meta: ReportMeta): string {
  const cpu = meta.cpuSampleCount;
  return cpu === undefined || cpu === meta.sampleCount
    ? String(meta.sampleCount)
    : `${meta.sampleCount} (${cpu} on CPU)`;
}

function timeColor(c: Colors, share: number): (s: string) => string {
  if (share >= 0.6) return c.red;
  if (share >= 0.3) return c.yellow;
  if (share >= 0.2) return c.green;
  return c.dim;
}

/** pyinstrument's console layout. */
export function renderText(view: View, meta: ReportMeta, opts: ResolvedRenderOptions): string {
  const c = pc.createColors(opts.color);
  const [tee, last, bar, space] = opts.unicode ? ['├─ ', '└─ ', '│  ', '   '] : ['|- ', '`- ', '|  ', '   '];
  const out: string[] = [header(meta, c, opts)];
  const time = (us: number): string =>
    opts.time === 'percent' ? formatPercent(us, view.total) : formatSeconds(us, meta.interval);

  const line = (node: ViewNode, indent: string, childIndent: string): void => {
    const t = timeColor(c, view.total > 0 ? node.time / view.total : 0)(time(node.time));
    const hiddenText = (h: NonNullable<ViewNode['hidden']>): string =>
      c.dim(`[${h.count} frame${h.count === 1 ? '' : 's'} hidden]  ${h.libraries.join(', ')}`);
    if (node.kind === 'group' && node.hidden) {
      out.push(`${indent}${t} ${hiddenText(node.hidden)}`);
    } else {
      const f = node.frame;
      const name = node.kind === 'self' || f.kind !== 'app' ? c.dim(f.name) : f.name;
      const loc = location(f.file, f.line);
      out.push(`${indent}${t} ${name}${loc ? `  ${c.dim(loc)}` : ''}`);
      if (node.hidden && node.hidden.count > 0) out.push(`${childIndent}${space}${hiddenText(node.hidden)}`);
    }
    node.children.forEach((child, i) => {
      const isLast = i === node.children.length - 1;
      line(child, childIndent + (isLast ? last : tee), childIndent + (isLast ? space : bar));
    });
  };

  if (view.roots.length === 0)
    out.push(c.dim('No samples were recorded (the request was shorter than the sampling interval).'));
  for (const root of view.roots) line(root, '', '');
  out.push('');
  return out.join('\n');
}
