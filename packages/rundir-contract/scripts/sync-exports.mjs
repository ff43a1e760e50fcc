// Regenerates the `exports` map of package.json from entries.js (run: node scripts/sync-exports.mjs [--check]).
import { readFileSync, writeFileSync } from 'node:fs';
import { entries } from '../entries.js';

const pkgPath = new URL('../package.json', import.meta.url);
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
// `source` lets in-repo tests and type checks use the sources without a build (vitest and tsconfig set that condition).
const exportsMap = { '.': { source: './src/index.ts', types: './dist/types/index.d.ts', import: './dist/index.js' } };
for (const name of entries) exportsMap[`./${name}`] = { source: `./src/${name}/index.ts`, types: `./dist/types/${name}/index.d.ts`, import: `./dist/${name}.js` };
exportsMap['./package.json'] = './package.json';
const changed = JSON.stringify(pkg.exports) !== JSON.stringify(exportsMap);
if (process.argv.includes('--check')) {
  if (changed) {
    console.error('package.json exports are out of date with entries.js: run node scripts/sync-exports.mjs');
    process.exit(1);
  }
} else if (changed) {
  pkg.exports = exportsMap;
  writeFileSync(pkgPath, JSON.stringify(pkg, null, 2) + '\n');
}
