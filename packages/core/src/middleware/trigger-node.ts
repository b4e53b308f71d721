import { formatSpec } from '../formats.js';
import type { ReportMeta } from '../types.js';
import type { NodeResponseLike } from './node-response.js';
import type { RequestHandle } from './request.js';
import { invalidTriggerMessage } from './trigger.js';

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 400: 'Bad Request' };

/** The extra parts of node:http's ServerResponse that replacing a response needs. */
interface ReplaceableResponse extends NodeResponseLike {
  write(...args: unknown[]): unknown;
  end(...args: unknown[]): unknown;
  flushHeaders?(): void;
  getHeaderNames?(): string[];
  removeHeader?(name: string): void;
  destroyed?: boolean;
  statusMessage?: string;
}

type Call = { fn: 'writeHead' | 'write'; args: unknown[] };

/**
 * For a triggered request (`?profile` and allowed): the app runs as usual, but what it writes is
 * held back; when it ends its response (or maxDuration cuts the recording), the response becomes
 * the report in the asked format. If the report cannot be made, the app's own response is sent
 * as it was written, so a profiler fault never loses a response.
 */
export function replaceNodeResponseWithReport(
  handle: RequestHandle,
  res: ReplaceableResponse,
  describe?: () => Partial<ReportMeta> | undefined,
): void {
  const trigger = handle.trigger;
  if (!trigger) return;
  const original = { writeHead: res.writeHead, write: res.write, end: res.end, flushHeaders: res.flushHeaders };
  const held: Call[] = [];
  let ended = false;
  let endArgs: unknown[] = [];
  let sent = false;

  const callbackOf = (args: unknown[]): (() => void) | undefined => {
    const last = args[args.length - 1];
    return typeof last === 'function' ? (last as () => void) : undefined;
  };

  res.writeHead = function heldWriteHead(this: ReplaceableResponse, ...args: unknown[]) {
    if (typeof args[0] === 'number') this.statusCode = args[0];
    held.push({ fn: 'writeHead', args });
    return this;
  };
  res.write = function heldWrite(...args: unknown[]) {
    held.push({ fn: 'write', args });
    const cb = callbackOf(args);
    if (cb) queueMicrotask(cb);
    return true;
  };
  if (original.flushHeaders) res.flushHeaders = () => undefined;
  res.end = function heldEnd(this: ReplaceableResponse, ...args: unknown[]) {
    if (ended) return this;
    ended = true;
    endArgs = args;
    let extra: Partial<ReportMeta> | undefined;
    try {
      extra = describe?.();
    } catch {
      extra = undefined;
    }
    handle.finish(this.statusCode, extra);
    return this;
  };

  const restore = (): void => {
    res.writeHead = original.writeHead;
    res.write = original.write;
    res.end = original.end;
    if (original.flushHeaders) res.flushHeaders = original.flushHeaders;
  };

  // The app's response exactly as it wrote it.
  const replay = (): void => {
    restore();
    for (const c of held) (c.fn === 'writeHead' ? original.writeHead : original.write).apply(res, c.args);
    if (ended) original.end.apply(res, endArgs);
  };

  handle
    .report()
    .then((report) => {
      if (sent || res.destroyed) return;
      sent = true;
      if (!report) return replay();
      let body: string | Uint8Array;
      let contentType: string;
      let spec: ReturnType<typeof formatSpec> | undefined;
      try {
        if (trigger.invalid !== undefined) {
          body = invalidTriggerMessage(trigger.invalid);
          contentType = 'text/plain; charset=utf-8';
        } else {
          spec = formatSpec(trigger.format);
          body = spec.render(report);
          contentType = spec.contentType;
        }
      } catch (err) {
        handle.reportFault('rendering the triggered report', err);
        return replay();
      }
      // From here on the response is ours; whatever the app still writes is dropped, not an error.
      res.writeHead = function droppedWriteHead(this: ReplaceableResponse) {
        return this;
      };
      res.write = () => true;
      res.end = function droppedEnd(this: ReplaceableResponse) {
        return this;
      };
      if (original.flushHeaders) res.flushHeaders = original.flushHeaders;
      for (const name of res.getHeaderNames?.() ?? []) res.removeHeader?.(name);
      // Header calls after the report went out (a request cut at maxDuration) must not throw
      // ERR_HTTP_HEADERS_SENT into the app.
      const setHeader = res.setHeader;
      res.setHeader = function droppedSetHeader(this: ReplaceableResponse, ...args: [string, string | string[]]) {
        return this.headersSent ? this : setHeader.apply(this, args);
      };
      if (res.removeHeader) {
        const removeHeader = res.removeHeader;
        res.removeHeader = function droppedRemoveHeader(this: ReplaceableResponse, name: string) {
          if (!this.headersSent) removeHeader.call(this, name);
        };
      }
      const length = typeof body === 'string' ? new TextEncoder().encode(body).byteLength : body.byteLength;
      const headers: Record<string, string> = {
        'Content-Type': contentType,
        'Content-Length': String(length),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      };
      if (spec && trigger.format !== 'html')
        headers['Content-Disposition'] = `attachment; filename="prof-${report.meta.id}.${spec.ext}"`;
      // The status line is ours too: never the app's reason phrase (`200 Not Found`).
      const status = spec ? 200 : 400;
      res.statusCode = status;
      res.statusMessage = STATUS_TEXT[status];
      original.writeHead.call(res, status, STATUS_TEXT[status], headers);
      original.end.call(res, body);
      // The app's end() callback, if it gave one, still runs.
      const cb = callbackOf(endArgs);
      if (cb) queueMicrotask(cb);
    })
    .catch(() => {
      if (!sent) {
        sent = true;
        replay();
      }
    });
}
