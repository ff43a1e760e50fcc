#!/usr/bin/env node
// Checks the published shape of every non-private workspace package: `publint --strict` and
// `attw --pack --profile esm-only` (ESM only: the CommonJS and node10 resolutions are not offered).
// Run after a build (both read dist/). Exit 1 when any package fails; each failure's output is printed.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules/.bin');
const CONCURRENCY = 2;

/** Every workspace package that is published (not `private`), as its folder. */
function publishedPackages() {
  const folders = [];
  for (const group of ['packages', 'tools']) {
    for (const entry of readdirSync(path.join(ROOT, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(ROOT, group, entry.name);
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      if (manifest.private !== true) folders.push({ dir, name: manifest.name, hasTypes: hasTypes(manifest) });
    }
  }
  return folders;
}

/** attw checks type resolution, so a package that exports no types (a bin-only CLI) has nothing for it. */
function hasTypes(manifest) {
  return Object.values(manifest.exports ?? {}).some((target) => typeof target === 'object' && target?.types);
}

/** Runs a command in `cwd`; resolves with its exit code and combined output. */
function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(path.join(BIN, command), args, { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
    child.on('error', (error) => resolve({ code: 1, output: String(error) }));
  });
}

async function check({ dir, name, hasTypes }) {
  const checks = [['publint', ['--strict']]];
  if (hasTypes) checks.push(['attw', ['--pack', '.', '--profile', 'esm-only', '--format', 'table-flipped']]);
  const failures = [];
  for (const [command, args] of checks) {
    const { code, output } = await run(command, args, dir);
    if (code !== 0) failures.push(`${name}: ${command} ${args.join(' ')} failed (exit ${code})\n${output}`);
  }
  console.log(`${failures.length === 0 ? 'ok  ' : 'FAIL'} ${name} (${checks.map(([command]) => command).join(', ')})`);
  return failures;
}

const queue = publishedPackages();
const failures = [];
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) failures.push(...(await check(next)));
  }),
);
for (const failure of failures) console.error(failure);
process.exitCode = failures.length === 0 ? 0 : 1;
