/** The parts of node:http's ServerResponse used here (structural, so no node: import). */
export interface NodeResponseLike {
  statusCode: number;
  headersSent: boolean;
  writableFinished?: boolean;
  writeHead(...args: unknown[]): unknown;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string | string[]): unknown;
  once(event: 'finish' | 'close', listener: () => void): unknown;
  removeListener(event: 'finish' | 'close', listener: () => void): unknown;
}
