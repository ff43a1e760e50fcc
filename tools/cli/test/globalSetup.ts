import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('../', import.meta.url));
const bin = join(packageDir, 'dist/bin.js');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (!entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the bin when it is missing or older than its sources, then checks that it starts. */
export default function setup(): void {
  const sourcesChanged = Math.max(
    newestSource(join(packageDir, 'src')),
    statSync(join(packageDir, 'package.json')).mtimeMs,
  );
  if (!existsSync(bin) || statSync(bin).mtimeMs < sourcesChanged) {
    const build = spawnSync('pnpm', ['exec', 'tsup'], { cwd: packageDir, encoding: 'utf8' });
    if (build.status !== 0)
      throw new Error(`building the bin failed (pnpm exec tsup in ${packageDir}):\n${build.stdout}\n${build.stderr}`);
  }
  const started = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
  if (started.status !== 0) {
    throw new Error(
      `${bin} does not start (${started.stderr.trim().split('\n')[0] ?? ''}); build the workspace packages it imports first: pnpm turbo run build --filter @commodity-hindcast/cli...`,
    );
  }
}
