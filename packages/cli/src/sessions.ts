import fs from 'node:fs';
import path from 'node:path';
import envPaths from 'env-paths';
import { isCpuProfile } from '@prof/core';

/** How many sessions are kept; older ones are deleted when a run is saved. */
export const KEEP_SESSIONS = 10;

/** A saved run: the .cpuprofile plus what the report header needs. */
export interface Session {
  format: 'prof.session/1';
  id: string;
  /** `script.js args…`, the header's Program line. */
  name: string;
  startedAt: string;
  interval: number;
  /** Working directory of the run, so file paths re-render relative to it. */
  cwd: string;
  exitCode: number | null;
  signal: string | null;
  workers: number;
  children: number;
  /** Chrome's .cpuprofile (0-based lines). */
  profile: unknown;
}

/** `$PROF_DATA_DIR`, or the user's data directory (e.g. ~/.local/share/prof/sessions). */
export function sessionsDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.PROF_DATA_DIR;
  if (override) return path.resolve(override);
  return path.join(envPaths('prof', { suffix: '' }).data, 'sessions');
}

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}`;
}

/**
 * Creates the sessions folder (and missing parents) 0700, as sessions hold command lines and paths;
 * a folder of ours made by an older prof (0755) is tightened. A shared sticky folder such as /tmp
 * given as PROF_DATA_DIR is left as it is.
 */
function privateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = fs.statSync(dir);
  const ours = typeof process.getuid !== 'function' || st.uid === process.getuid();
  if (ours && (st.mode & 0o1000) === 0 && (st.mode & 0o077) !== 0) fs.chmodSync(dir, st.mode & 0o700);
}

/** Saves a session under an id like pyinstrument's (`2026-11-24T16-39-21`), then prunes old ones. */
export function saveSession(session: Omit<Session, 'id' | 'format'>, dir = sessionsDir()): Session {
  privateDir(dir);
  const base = stamp(new Date(session.startedAt));
  // Runs of the same second get -2, -3…; continue after the highest so a pruned id is not reused.
  let first = 1;
  for (const e of listSessions(dir)) {
    if (e.id === base) first = Math.max(first, 2);
    const m = e.id.startsWith(`${base}-`) ? /^\d+$/.exec(e.id.slice(base.length + 1)) : null;
    if (m) first = Math.max(first, Number(m[0]) + 1);
  }
  for (let n = first; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const full: Session = { format: 'prof.session/1', id, ...session };
    try {
      // 'wx': two runs finishing in the same second never overwrite each other.
      fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(full), { flag: 'wx', mode: 0o600 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && n < first + 1000) continue;
      throw err;
    }
    prune(dir);
    return full;
  }
}

export interface SessionEntry {
  id: string;
  file: string;
  mtimeMs: number;
}

/** Saved sessions, newest first. */
export function listSessions(dir = sessionsDir()): SessionEntry[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const entries: SessionEntry[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = path.join(dir, name);
    try {
      entries.push({ id: name.slice(0, -5), file, mtimeMs: fs.statSync(file).mtimeMs });
    } catch {
      // Deleted by a concurrent prune.
    }
  }
  return entries.sort((a, b) => b.mtimeMs - a.mtimeMs || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

function prune(dir: string): void {
  for (const old of listSessions(dir).slice(KEEP_SESSIONS)) {
    try {
      fs.unlinkSync(old.file);
    } catch {
      // Already gone.
    }
  }
}

/** A saved session by id; throws an Error with a one-line message. */
export function loadPrevious(id: string, dir = sessionsDir()): Session {
  if (!ID_RE.test(id)) throw new Error(`prof: '${id}' is not a session id (see \`prof list\`)`);
  const file = path.join(dir, `${id}.json`);
  if (!fs.existsSync(file)) throw new Error(`prof: no saved session '${id}' in ${dir} (see \`prof list\`)`);
  return loadFile(file);
}

/**
 * A saved session, or any `.cpuprofile` (node --cpu-prof, Chrome DevTools) wrapped as one.
 */
export function loadFile(file: string): Session {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`prof: cannot read ${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message.split('\n')[0]}`);
  }
  const d = data as Partial<Session>;
  if (d && d.format === 'prof.session/1' && isCpuProfile(d.profile)) return d as Session;
  if (isCpuProfile(data)) {
    const stat = fs.statSync(file);
    return {
      format: 'prof.session/1',
      id: path.basename(file),
      name: path.basename(file),
      // Written when the recording stopped: the start is its duration earlier.
      startedAt: new Date(stat.mtimeMs - Math.max(0, (data.endTime - data.startTime) / 1000)).toISOString(),
      interval: 0,
      cwd: process.cwd(),
      exitCode: null,
      signal: null,
      workers: 0,
      children: 0,
      profile: data,
    };
  }
  throw new Error(`prof: ${file} is neither a prof session nor a .cpuprofile`);
}
