#!/usr/bin/env node
// Every changeset names packages of this workspace with a bump (major | minor | patch), and never mixes a private
// package with a published one: `changeset version` refuses such a changeset ("Mixed changesets that contain both
// ignored and not ignored packages are not allowed"), which the release test would otherwise find minutes later.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../../', import.meta.url).pathname;
const isPrivate = new Map();
for (const group of ['packages', 'tools']) {
  for (const name of readdirSync(join(root, group))) {
    const path = join(root, group, name, 'package.json');
    if (!existsSync(path)) continue;
    const pkg = JSON.parse(readFileSync(path, 'utf8'));
    isPrivate.set(pkg.name, pkg.private === true);
  }
}

const problems = [];
const dir = join(root, '.changeset');
const files = readdirSync(dir).filter((f) => f.endsWith('.md') && f !== 'README.md');
for (const file of files) {
  const text = readFileSync(join(dir, file), 'utf8');
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!front) {
    problems.push(`.changeset/${file}: no front matter; start it with --- lines naming "package": patch`);
    continue;
  }
  const entries = [...front[1].matchAll(/^\s*["']?([^"':]+)["']?\s*:\s*(\S+)\s*$/gm)].map((m) => [m[1], m[2]]);
  for (const [name, bump] of entries) {
    if (!isPrivate.has(name)) problems.push(`.changeset/${file}: ${name} is not a package of this workspace`);
    if (!['major', 'minor', 'patch'].includes(bump))
      problems.push(`.changeset/${file}: ${name} has bump "${bump}"; use major, minor or patch`);
  }
  const kinds = new Set(entries.filter(([name]) => isPrivate.has(name)).map(([name]) => isPrivate.get(name)));
  if (kinds.size > 1) {
    const privateOnes = entries.filter(([name]) => isPrivate.get(name)).map(([name]) => name);
    problems.push(
      `.changeset/${file}: mixes private ${privateOnes.join(', ')} with published packages; put the private ones in a changeset of their own`,
    );
  }
}
if (problems.length > 0) {
  for (const line of problems) process.stderr.write(`${line}\n`);
  process.exit(1);
}
process.stdout.write(`changesets: ${files.length} files name workspace packages, none mixes private and published\n`);
