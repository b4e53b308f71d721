import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const PACKAGES = ['core', 'express', 'koa', 'fastify', 'hono', 'nestjs', 'cli'];

// What npm would put in each published tarball (`npm pack --dry-run`), not what the folder holds.
describe('published tarballs', () => {
  it.each(PACKAGES)('@prof/%s ships the MIT LICENSE its package.json declares', (name) => {
    const dir = path.join(root, 'packages', name);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('MIT');
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const files: string[] = JSON.parse(out)[0].files.map((f: { path: string }) => f.path);
    expect(files).toContain('LICENSE');
    expect(readFileSync(path.join(dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });
});
