// The build settings every published package shares: ESM for Node 20, source maps, a clean dist, tree-shaken.
// The entry list is the package's own package.json: each `exports` entry (its `source` file built to its `import`
// file) and each `bin` (dist/<name>.js built from src/<name>.ts). Nothing else lists the entries.
import { readFileSync } from 'node:fs';
import path from 'node:path';

const DIST_JS = /^\.\/dist\/(.+)\.js$/;

/**
 * Reads the build entries from a package.json. Throws, naming the field and the fix, when an export's `types`
 * path is not where the declarations will be written.
 * @param {string} [packageJsonPath]  defaults to ./package.json (tsup runs in the package's folder)
 * @param {'bundle' | 'tsc'} [declarations]  bundle: dist/<name>.d.ts per entry; tsc: dist/types/<source path>.d.ts
 * @returns {import('./tsup.d.mts').PackageEntries}
 */
export function packageEntries(packageJsonPath = 'package.json', declarations = 'bundle') {
  const manifest = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
  /** @type {Record<string, string>} */
  const entry = {};
  /** @type {Record<string, string>} */
  const exported = {};
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (target === null || typeof target !== 'object') continue; // "./package.json" and hidden paths
    const where = `${packageJsonPath}: exports["${subpath}"]`;
    const name = DIST_JS.exec(target.import ?? '')?.[1];
    if (name === undefined || typeof target.source !== 'string') {
      throw new Error(`${where} needs "source": "./src/….ts" and "import": "./dist/<name>.js"`);
    }
    const source = path.posix.normalize(target.source);
    const types =
      declarations === 'tsc'
        ? `./dist/types/${source.replace(/^src\//, '').replace(/\.ts$/, '.d.ts')}`
        : `./dist/${name}.d.ts`;
    if (target.types !== types)
      throw new Error(`${where}.types is ${JSON.stringify(target.types)}; set it to "${types}"`);
    entry[name] = source;
    exported[name] = source;
  }
  for (const [command, file] of Object.entries(
    typeof manifest.bin === 'string' ? { bin: manifest.bin } : (manifest.bin ?? {}),
  )) {
    const name = DIST_JS.exec(file)?.[1];
    if (name === undefined)
      throw new Error(`${packageJsonPath}: bin["${command}"] must be "./dist/<name>.js" (built from src/<name>.ts)`);
    entry[name] = `src/${name}.ts`;
  }
  return { entry, exported };
}

/** @param {import('./tsup.d.mts').TsupPackageOptions} options */
export function defineTsupConfig({ entry, dts, splitting }) {
  return {
    entry,
    format: ['esm'],
    dts,
    sourcemap: true,
    clean: true,
    target: 'node20',
    ...(splitting === undefined ? {} : { splitting }),
    treeshake: true,
  };
}
