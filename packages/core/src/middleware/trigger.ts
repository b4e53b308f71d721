import { FORMAT_NAMES, isOutputFormat, type OutputFormat } from '../formats.js';
import type { ResolvedOptions } from '../options.js';
import type { RequestInfo } from '../types.js';

/** A request that asked for its own report (by query parameter or header) and was allowed to. */
export interface Trigger {
  /** The report format to answer with. */
  format: OutputFormat;
  /** Which trigger fired. */
  via: 'query' | 'header';
  /** Set when the value named no format: the allowed caller gets a 400 listing the formats. */
  invalid?: string;
}

/** Values that ask for the default (HTML) report. */
const DEFAULT_VALUES = new Set(['', '1', 'true', 'yes', 'on', 'html']);

/** `?profile`, `?profile=1`, `?profile=html` → html; `?profile=speedscope` → speedscope; else undefined. */
export function formatFromTriggerValue(value: string): OutputFormat | undefined {
  const v = value.trim().toLowerCase();
  if (DEFAULT_VALUES.has(v)) return 'html';
  if (isOutputFormat(v)) return v;
  return undefined;
}

/** The body of the 400 a trigger with an unknown format gets. */
export function invalidTriggerMessage(value: string): string {
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return `prof: unknown report format ${JSON.stringify(shown)}; use one of: ${FORMAT_NAMES.join(', ')}\n`;
}

function queryValue(url: string, name: string): string | undefined {
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  const hash = url.indexOf('#', q);
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(url.slice(q + 1, hash < 0 ? undefined : hash));
  } catch {
    return undefined;
  }
  const v = params.get(name);
  return v === null ? undefined : v;
}

/**
 * Whether this request asked for its report and may have it. Asking is untrusted (anyone can add
 * `?profile`), so without `allow`, or when `allow` says anything but true, there is no trigger
 * and the request is handled as if it had not asked. `allow` throwing counts as no.
 */
export function parseTrigger(
  req: RequestInfo,
  o: Pick<ResolvedOptions, 'queryParam' | 'header' | 'allow'>,
  onFault: (kind: string, err: unknown) => void,
): Trigger | undefined {
  if (!o.allow || (!o.queryParam && !o.header)) return undefined;
  let value: string | undefined;
  let via: Trigger['via'] = 'query';
  try {
    if (o.queryParam) value = queryValue(req.url, o.queryParam);
    if (value === undefined && o.header) {
      value = req.header(o.header);
      via = 'header';
    }
  } catch (err) {
    onFault('reading the trigger', err);
    return undefined;
  }
  if (value === undefined) return undefined;
  let allowed = false;
  try {
    allowed = o.allow(req.raw) === true;
  } catch (err) {
    onFault('allow predicate', err);
  }
  if (!allowed) return undefined;
  const format = formatFromTriggerValue(value);
  return format ? { format, via } : { format: 'html', via, invalid: value };
}
