import { main } from './main.js';

// `prof list | head -1`: a reader that goes away is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

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
