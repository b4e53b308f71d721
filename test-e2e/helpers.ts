import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Logger, Report, SamplerKind } from '@prof/core';

/**
 * The sampler the tests ask for: 'auto' unless CI runs a suite on one backend
 * (PROF_TEST_SAMPLER=pprof|native|v8|inspector, see .ci/node-versions).
 */
export const TEST_SAMPLER = (process.env.PROF_TEST_SAMPLER ?? 'auto') as SamplerKind;

/** A logger that keeps what it is given, for asserting on printed trees. */
export function captureLogger(): Logger & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return {
    lines,
    errors,
    info: (m) => lines.push(m),
    warn: (m) => errors.push(m),
    error: (m) => errors.push(m),
  };
}

/** Collects reports and lets a test wait for the next n of them. */
export function reportSink(): {
  reports: Report[];
  onReport: (r: Report) => void;
  waitFor(n: number, ms?: number): Promise<Report[]>;
  waitForPaths(paths: string[], ms?: number): Promise<Report[]>;
} {
  const reports: Report[] = [];
  const waiters: (() => void)[] = [];
  return {
    reports,
    onReport(r) {
      reports.push(r);
      for (const w of waiters.splice(0)) w();
    },
    async waitFor(n, ms = 10_000) {
      const deadline = Date.now() + ms;
      while (reports.length < n) {
        if (Date.now() > deadline) throw new Error(`expected ${n} reports, got ${reports.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return reports.slice(0, n);
    },
    /** The first report of each path, however many other (late, earlier) reports arrive meanwhile. */
    async waitForPaths(paths, ms = 10_000) {
      const deadline = Date.now() + ms;
      const found = () => paths.map((p) => reports.find((r) => r.meta.path === p));
      while (found().some((r) => !r)) {
        if (Date.now() > deadline)
          throw new Error(
            `expected reports for ${paths.join(', ')}, got ${reports.map((r) => r.meta.path).join(', ')}`,
          );
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return found() as Report[];
    },
  };
}

export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface Fetched {
  status: number;
  body: string;
  headers: Record<string, string>;
}

export async function get(url: string, init?: RequestInit): Promise<Fetched> {
  const res = await fetch(url, init);
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, body: await res.text(), headers };
}

/** Headers that legitimately differ between two runs of the same app. */
export function stableHeaders(h: Record<string, string>): Record<string, string> {
  const { date: _date, 'server-timing': _st, 'keep-alive': _ka, connection: _c, ...rest } = h;
  return rest;
}
