import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// Sampling-accuracy and attribution tests compare shares of wall time: they run one file at a
// time, after the rest, so that no other test competes for the two cores.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['packages/*/test/**/*.serial.test.ts', 'test-e2e/**/*.serial.test.ts'],
    exclude: ['**/node_modules/**'],
    fileParallelism: false,
    maxWorkers: 1,
    minWorkers: 1,
  },
});
