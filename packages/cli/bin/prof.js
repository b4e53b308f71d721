#!/usr/bin/env node
// The `prof` bin. A committed file, not dist/cli.js itself: pnpm links a workspace package's bin
// only if its target exists at install time, which dist/ does not in a fresh clone.
import { existsSync } from 'node:fs';

const cli = new URL('../dist/cli.js', import.meta.url);
if (existsSync(cli)) {
  await import(cli.href);
} else {
  process.stderr.write(
    `prof: @prof/cli is not built (${decodeURIComponent(cli.pathname)} is missing).\n` +
      'In a clone of the prof repository, build it first: npm run demo, or npx --yes pnpm@10.34.9 run build\n',
  );
  process.exitCode = 1;
}
