import { main } from './main.js';

// The program's exit status is prof's: a code as is, a signal by dying of the same signal.
main(process.argv.slice(2)).then(
  ({ code, signal }) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`prof: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
