#!/usr/bin/env node
// One rule for dependency ranges, checked on every package.json of the workspace:
// - a published package's runtime `dependencies` use caret ranges (`^x.y.z`), so consumers can dedupe them;
// - every `devDependencies` entry, and every dependency of a private package, is an exact version (reproducible
//   tooling; the lockfile pins the rest);
// - packages of this repository are `workspace:*`.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const manifests = ['package.json'];
for (const group of ['packages', 'tools']) {
  for (const name of readdirSync(join(root, group))) {
    const path = join(group, name, 'package.json');
    if (existsSync(join(root, path))) manifests.push(path);
  }
}

const EXACT = /^\d+\.\d+\.\d+(-[\w.-]+)?$/;
const CARET = /^\^\d+\.\d+\.\d+(-[\w.-]+)?$/;
const problems = [];
for (const path of manifests) {
  const pkg = JSON.parse(readFileSync(join(root, path), 'utf8'));
  for (const section of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, range] of Object.entries(pkg[section] ?? {})) {
      if (name.startsWith('@commodity-hindcast/')) {
        if (range !== 'workspace:*') problems.push(`${path}: ${section}.${name} is "${range}"; use "workspace:*"`);
        continue;
      }
      const wantCaret = section !== 'devDependencies' && pkg.private !== true;
      const ok = wantCaret ? CARET.test(range) : EXACT.test(range);
      if (!ok) {
        const want = wantCaret ? 'a caret range ^x.y.z (published runtime dependency)' : 'an exact version x.y.z';
        problems.push(`${path}: ${section}.${name} is "${range}"; use ${want}`);
      }
    }
  }
}
if (problems.length > 0) {
  for (const line of problems) process.stderr.write(`${line}\n`);
  process.stderr.write(`dependency ranges: ${problems.length} entries break the rule (tools/gates/README.md)\n`);
  process.exit(1);
}
process.stdout.write(`dependency ranges: ${manifests.length} package.json files follow the rule\n`);
