// The packed packages as a user installs them: `pnpm pack` of @prof/core and @prof/express, put in
// a fresh Express app outside the workspace with pnpm 10's defaults (build scripts ignored), with
// `npm install --ignore-scripts`, and with Yarn 4 (through corepack), then the app run on each Node
// given. Passes when every app answers, prints a request's report, and its startup line names the
// backend expected: on Node >= 24 @datadog/pprof (an optional dependency with prebuilt binaries,
// no install script: every package manager installs it), else v8-profiler-next where its build
// ran, else node:inspector with the exact fix for each package manager.
//   node .ci/install-test.mjs [path/to/node ...]   (default: this Node; after the build)
// Needs the npm registry (express and the packages' dependencies). Bounded: 5 min per install,
// 60 s per app run.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const PNPM = ['--yes', 'pnpm@10.34.9'];
const YARN = 'yarn@4.9.2';
const nodes = process.argv.slice(2).length ? process.argv.slice(2) : [process.execPath];
const work = mkdtempSync(join(tmpdir(), 'prof-install-'));
const failures = [];

function run(cmd, args, cwd, env = {}) {
  return execFileSync(cmd, args, {
    cwd,
    env: { ...process.env, CI: 'true', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5 * 60_000,
  });
}

// 1. Pack, as `pnpm publish` would (workspace:* becomes the version).
const packs = join(work, 'packs');
mkdirSync(packs);
for (const pkg of ['core', 'express']) {
  run('npx', [...PNPM, 'pack', '--pack-destination', packs], join(ROOT, 'packages', pkg));
}
const tarball = (name) =>
  join(
    packs,
    readdirSync(packs).find((f) => f.startsWith(`prof-${name}-`)),
  );
const core = `file:${tarball('core')}`;
const express = `file:${tarball('express')}`;

// 2. One app per package manager. @prof/core comes from its tarball, never from the registry.
const SERVER = `import express from 'express';
import { profiler } from '@prof/express';
function burn(n) { let x = 0; for (let i = 0; i < n; i++) x += Math.sqrt(i); return x; }
const app = express();
app.use(profiler());
app.get('/cpu', (_req, res) => res.send(String(burn(3_000_000))));
const server = app.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
`;
const managers = {
  pnpm: {
    pkg: { pnpm: { overrides: { '@prof/core': core } } },
    install: (dir) => run('npx', [...PNPM, 'install', '--config.confirmModulesPurge=false'], dir),
  },
  npm: {
    pkg: { overrides: { '@prof/core': '$@prof/core' } },
    install: (dir) => run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], dir),
  },
  yarn: {
    pkg: { resolutions: { '@prof/core': core }, packageManager: YARN },
    files: { '.yarnrc.yml': 'nodeLinker: node-modules\nenableTelemetry: false\n', 'yarn.lock': '' },
    install: (dir) =>
      run('corepack', [YARN, 'install'], dir, {
        COREPACK_ENABLE_DOWNLOAD_PROMPT: '0',
        // Corepack's own default (repo.yarnpkg.com) is not reachable from CI; npm's registry is.
        COREPACK_NPM_REGISTRY: 'https://registry.npmjs.org',
        YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
      }),
  },
};

const apps = [];
for (const [name, m] of Object.entries(managers)) {
  const dir = join(work, name);
  mkdirSync(dir);
  const pkg = {
    name: `prof-install-${name}`,
    private: true,
    type: 'module',
    dependencies: { '@prof/core': core, '@prof/express': express, express: '5.3.0' },
    ...m.pkg,
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, 'server.mjs'), SERVER);
  for (const [file, text] of Object.entries(m.files ?? {})) writeFileSync(join(dir, file), text);
  const t = Date.now();
  try {
    const out = m.install(dir);
    // The installer's own words when v8-profiler-next's build did not run (pnpm) or failed (Yarn).
    const skipped = /Ignored build scripts|couldn't be built/.exec(out)?.[0];
    console.log(`${name}: installed in ${((Date.now() - t) / 1000).toFixed(0)} s${skipped ? ` ("${skipped}")` : ''}`);
    apps.push({ name, dir });
  } catch (err) {
    failures.push(
      `${name}: install failed: ${(err.stderr || err.message).toString().trim().split('\n').slice(-5).join(' | ')}`,
    );
  }
}

// 3. Run each app on each Node.
function serve(node, dir) {
  return new Promise((done) => {
    const child = spawn(node, ['server.mjs'], { cwd: dir, env: { ...process.env, NODE_OPTIONS: '' } });
    let out = '';
    let asked = false;
    const finish = (why) => {
      clearTimeout(timer);
      child.kill();
      done({ out, why });
    };
    const timer = setTimeout(() => finish('timed out after 60 s'), 60_000);
    child.stderr.on('data', (d) => (out += d));
    child.stdout.on('data', async (d) => {
      out += d;
      const port = /listening (\d+)/.exec(out)?.[1];
      if (port && !asked) {
        asked = true;
        const res = await fetch(`http://127.0.0.1:${port}/cpu`).catch((e) => ({ status: String(e) }));
        if (res.status !== 200) finish(`GET /cpu answered ${res.status}`);
      }
      // The report is printed after the response: its tree names the route's function.
      if (/\bburn\b/.test(out)) finish(undefined);
    });
    child.on('exit', () => finish('exited'));
  });
}

for (const node of nodes) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const major = Number(version.slice(1).split('.')[0]);
  for (const { name, dir } of apps) {
    // Where the install did build the addon for this Node, 'auto' rightly picks it.
    const abi = execFileSync(node, ['-p', 'process.versions.modules'], { encoding: 'utf8' }).trim();
    const addon = join(dir, 'node_modules', 'v8-profiler-next', 'build', 'binding', 'Release');
    const built = existsSync(addon) && readdirSync(addon).some((d) => d.startsWith(`node-v${abi}-`));
    const expected = major >= 24 ? "@datadog/pprof's time profiler" : built ? 'v8-profiler-next' : 'node:inspector';
    const { out, why } = await serve(node, dir);
    const startup = out.split('\n').find((l) => l.startsWith('prof: sampling with')) ?? '';
    const problems = [];
    if (why) problems.push(why);
    if (!startup.startsWith(`prof: sampling with ${expected}`)) problems.push(`expected ${expected}, got "${startup}"`);
    if (expected === 'node:inspector') {
      for (const fix of ['pnpm.onlyBuiltDependencies', 'pnpm approve-builds', 'dependenciesMeta', 'npm rebuild'])
        if (!startup.includes(fix)) problems.push(`the startup line does not name the fix "${fix}"`);
    }
    // A fault reads "prof: <what> failed: <why> (the request went on unchanged; …)".
    const fault = /^prof: .* failed: .*$/m.exec(out);
    if (fault) problems.push(`a profiler fault: ${fault[0]}`);
    const label = `${name} on Node ${version}`;
    if (problems.length) failures.push(`${label}: ${problems.join('; ')}\n${out.slice(0, 2000)}`);
    console.log(`${label}: ${problems.length ? 'FAIL' : 'ok'} (${expected})`);
  }
}

rmSync(work, { recursive: true, force: true });
if (failures.length) {
  console.error(`\nprof install test: ${failures.length} failure(s)\n${failures.join('\n\n')}`);
  process.exit(1);
}
