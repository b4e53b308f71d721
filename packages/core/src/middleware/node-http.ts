import type { ReportMeta, RequestInfo } from '../types.js';
import type { NodeResponseLike } from './node-response.js';
import type { RequestHandle } from './request.js';
import { replaceNodeResponseWithReport } from './trigger-node.js';

export type { NodeResponseLike };

/** @internal Adds our Server-Timing entry without dropping the app's own. */
export function appendServerTiming(res: Pick<NodeResponseLike, 'getHeader' | 'setHeader'>, value: string): void {
  const existing = res.getHeader('server-timing');
  if (existing === undefined) res.setHeader('Server-Timing', value);
  else res.setHeader('Server-Timing', `${Array.isArray(existing) ? existing.join(', ') : String(existing)}, ${value}`);
}

/**
 * writeHead(status, [message], headers): headers given there win over setHeader's, so when they
 * carry the app's Server-Timing (Fastify and @hono/node-server pass all headers this way), append
 * ours to that entry instead. Returns false when they do not.
 */
function appendToWriteHeadHeaders(args: unknown[], value: string): boolean {
  const i = typeof args[1] === 'string' ? 2 : 1;
  const headers = args[i];
  const join = (v: unknown): string => `${Array.isArray(v) ? v.join(', ') : String(v)}, ${value}`;
  if (Array.isArray(headers)) {
    // The raw form: [name, value, name, value, …].
    const at = headers.findIndex((h, n) => n % 2 === 0 && String(h).toLowerCase() === 'server-timing');
    if (at === -1) return false;
    const copy = headers.slice();
    copy[at + 1] = join(copy[at + 1]);
    args[i] = copy;
    return true;
  }
  if (headers === null || typeof headers !== 'object') return false;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === 'server-timing');
  if (key === undefined) return false;
  args[i] = { ...headers, [key]: join((headers as Record<string, unknown>)[key]) };
  return true;
}

/**
 * Wires a node:http response to a request handle: Server-Timing just before the headers go
 * out, and finish() once the response has been sent or the client has gone away.
 */
export function attachToNodeResponse(
  handle: RequestHandle,
  res: NodeResponseLike,
  describe?: () => Partial<ReportMeta> | undefined,
): void {
  if (handle.serverTiming() !== undefined) {
    const writeHead = res.writeHead;
    // node:http calls writeHead for implicit headers too (first write or end).
    res.writeHead = function profWriteHead(this: NodeResponseLike, ...args: unknown[]) {
      if (!this.headersSent) {
        try {
          const value = handle.serverTiming();
          if (value && !appendToWriteHeadHeaders(args, value)) appendServerTiming(this, value);
        } catch {
          // The response matters more than the header.
        }
      }
      return writeHead.apply(this, args);
    };
  }
  const done = (): void => {
    res.removeListener('finish', done);
    res.removeListener('close', done);
    let extra: Partial<ReportMeta> | undefined;
    try {
      extra = describe?.();
    } catch {
      extra = undefined;
    }
    const aborted = res.writableFinished === false;
    handle.finish(res.statusCode, aborted ? { ...extra, aborted: true } : extra);
  };
  res.once('finish', done);
  res.once('close', done);
  // `?profile` (allowed): the response becomes the report.
  if (handle.trigger)
    replaceNodeResponseWithReport(handle, res as Parameters<typeof replaceNodeResponseWithReport>[1], describe);
}

/** Core's view of a request whose headers are node:http's (Express, Koa, Fastify, NestJS). */
export function nodeRequestInfo(
  method: string,
  url: string,
  headers: Record<string, string | string[] | undefined>,
  raw: unknown,
): RequestInfo {
  return {
    method,
    url,
    header: (name) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    },
    raw,
  };
}
