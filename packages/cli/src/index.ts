export { main } from './main.js';
export { chooseRenderer, parseRenderOptions, type CliOptions } from './program.js';
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
