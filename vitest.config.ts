import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string): string => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests run against the packages' sources (TanStack Query's way), not their builds.
export default defineConfig({
  resolve: {
    alias: Object.fromEntries(
      ['core', 'express', 'koa', 'fastify', 'hono', 'nestjs'].map((n) => [`@prof/${n}`, pkg(n)]),
    ),
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test-e2e/**/*.test.ts'],
    // Tests that measure shares of wall time run alone afterwards (vitest.serial.config.ts).
    exclude: ['**/node_modules/**', '**/*.serial.test.ts'],
    pool: 'forks',
    // Two cores: sampling tests measure shares of CPU, so keep the machine from being oversubscribed.
    maxWorkers: 2,
    minWorkers: 1,
    // The NestJS example is TypeScript: built by tsc (when stale) before the suites load it.
    globalSetup: ['test-e2e/build-examples.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
