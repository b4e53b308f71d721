// Rendering a session and writing it: to stderr, to -o FILE, or to the browser (--open).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  renderTimelineText,
  reportFromCpuProfile,
  type OutputFormat,
  type RawProfile,
  type RenderOptions,
  type Report,
} from '@prof/core';
import { UsageError, type CliOptions } from './program.js';
import type { Session } from './sessions.js';

/** An argument as a POSIX shell reads it back. */
export function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function notProfiledNote(session: Session): string | undefined {
  const parts: string[] = [];
  if (session.workers > 0) parts.push(`${session.workers} worker thread${session.workers === 1 ? '' : 's'}`);
  if (session.children > 0) parts.push(`${session.children} child process${session.children === 1 ? '' : 'es'}`);
  if (parts.length === 0) return undefined;
  return (
    `Note: the program started ${parts.join(' and ')}; they were not profiled ` +
    '(prof samples only the main thread of the process it runs).'
  );
}

function toReport(session: Session, renderDefaults: RenderOptions, color: boolean): Report {
  const note = notProfiledNote(session);
  return reportFromCpuProfile(
    session.profile as RawProfile,
    {
      id: session.id,
      name: session.name,
      startedAt: session.startedAt,
      ...(session.interval > 0 ? { interval: session.interval } : {}),
      sampler: 'inspector',
      exitCode: session.exitCode,
      signal: session.signal,
      ...(session.workers || session.children
        ? { notProfiled: { workerThreads: session.workers, childProcesses: session.children } }
        : {}),
      ...(note ? { note } : {}),
    },
    { render: renderDefaults, color, ...(session.interval > 0 ? { interval: session.interval } : {}) },
  );
}

function openInBrowser(file: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    const child = spawn(cmd, [file], { stdio: 'ignore', detached: true });
    child.on('error', () => process.stderr.write(`prof: could not start ${cmd}; open ${file} in a browser\n`));
    child.unref();
  } catch {
    process.stderr.write(`prof: could not start ${cmd}; open ${file} in a browser\n`);
  }
}

/** Renders and writes the report; returns nothing, throws one-line Errors. */
export function emit(
  session: Session,
  opts: CliOptions,
  format: OutputFormat,
  renderDefaults: RenderOptions,
  again: string | undefined,
): void {
  const toTerminal = !opts.outfile && process.stderr.isTTY === true;
  const color = opts.color ?? (toTerminal && !process.env.NO_COLOR);
  const report = toReport(session, renderDefaults, color);
  const hint = again ? `To view this report with different options, run:\n    ${again} [options]\n` : '';
  const note = notProfiledNote(session);

  if (opts.open) {
    const html = report.render('html');
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prof-')), `${session.id}.html`);
    fs.writeFileSync(file, html);
    process.stderr.write(`prof: HTML report written to ${file}\n`);
    openInBrowser(file);
  }

  let body: string | Uint8Array;
  if (format === 'text') {
    const overrides: RenderOptions = { ...renderDefaults, color };
    body = opts.timeline ? renderTimelineText(report, overrides) : report.text(overrides);
    if (note) body += `\n${note}\n`;
    if (hint && !opts.outfile) body += `\n${hint}`;
  } else {
    if (opts.timeline) process.stderr.write('prof: --timeline applies to the text renderer only\n');
    body = report.render(format);
  }

  if (opts.outfile) {
    fs.writeFileSync(opts.outfile, body);
    process.stderr.write(`prof: ${format} report written to ${opts.outfile}\n`);
    if (note && format !== 'text') process.stderr.write(`${note}\n`);
    if (hint) process.stderr.write(hint);
  } else if (!opts.open || format !== 'text' || opts.renderer) {
    if (typeof body !== 'string') throw new UsageError(`prof: the ${format} renderer writes binary data; give -o FILE`);
    process.stderr.write(body.endsWith('\n') ? body : `${body}\n`);
    if (format !== 'text') {
      if (note) process.stderr.write(`${note}\n`);
      if (hint) process.stderr.write(hint);
    }
  } else if (hint) {
    process.stderr.write(hint);
  }
}
