/**
 * Module boundaries of the packages' src folders (docs/architecture.md): dependencies point one way, type
 * imports included, so a cycle is a lint error. Run by `pnpm lint` and `pnpm test:all`.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle is a design bug: data flows sampler → samples → tree → passes → renderers → sinks.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-orphans',
      severity: 'warn',
      comment: 'A module nothing imports is dead code or a missing export.',
      from: { orphan: true, path: '^packages/[^/]+/src/', pathNot: ['\\.d\\.ts$', '/(index|cli|preload)\\.ts$'] },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    // Type-only imports count: `import type` cycles are cycles of the design too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
