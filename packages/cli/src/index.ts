export { main, chooseRenderer, parseRenderOptions, type CliOptions } from './main.js';
export {
  sessionsDir,
  saveSession,
  listSessions,
  loadFile,
  loadPrevious,
  KEEP_SESSIONS,
  type Session,
  type SessionEntry,
} from './sessions.js';
export type { ChildResult } from './protocol.js';
