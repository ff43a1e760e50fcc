import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkStageManifest } from '../src/dependencyRule.mjs';

const root = path.resolve('/repo');
/** @type {import('../src/importRule.mjs').StageScope} */
const scope = {
  root,
  contract: {
    name: '@commodity-hindcast/rundir-contract',
    dir: path.join(root, 'packages/rundir-contract'),
    packageJsonPath: path.join(root, 'packages/rundir-contract/package.json'),
    entries: ['.', './io'],
    isPublic: (subpath) => subpath === '.' || subpath === './io',
  },
  workspaceNames: new Set(['@commodity-hindcast/stage-fit', 'example-data-generator']),
  stage: { name: '@commodity-hindcast/stage-predict', dir: path.join(root, 'packages/stage-predict') },
};

/** @param {Record<string, unknown>} manifest */
function check(manifest, text = JSON.stringify(manifest, null, 2)) {
  return checkStageManifest(manifest, text, scope).map(({ line, message }) => `${line}: ${message.split(' — ')[0]}`);
}

describe('checkStageManifest', () => {
  it('accepts the contract by workspace range, version range or a local path to its own folder', () => {
    for (const specifier of [
      'workspace:*',
      'workspace:^',
      '^0.1.0',
      'file:../rundir-contract',
      'link:../rundir-contract/',
    ]) {
      expect(check({ dependencies: { '@commodity-hindcast/rundir-contract': specifier, zod: '~4.6.7' } })).toEqual([]);
    }
  });

  it('rejects the contract name pointing at another folder or aliasing another package', () => {
    expect(
      check({
        dependencies: {
          '@commodity-hindcast/rundir-contract': 'file:../stage-fit',
          contract: 'workspace:@commodity-hindcast/stage-fit@*',
        },
      }),
    ).toEqual([
      '3: depends on "@commodity-hindcast/rundir-contract" via "file:../stage-fit" (dependencies), which is not packages/rundir-contract',
      '4: depends on "@commodity-hindcast/stage-fit" as "contract" (dependencies)',
    ]);
  });

  it('rejects any other workspace package, by name, alias or unscoped workspace name, in every dependency field', () => {
    expect(
      check({
        dependencies: { '@commodity-hindcast/stage-features': '^0.1.0' },
        devDependencies: { fit: 'npm:@commodity-hindcast/stage-fit@^0.1.0' },
        peerDependencies: { 'example-data-generator': '*' },
        optionalDependencies: { '@Commodity-Hindcast/CLI': '1.0.0' },
      }),
    ).toEqual([
      '3: depends on "@commodity-hindcast/stage-features" (dependencies)',
      '6: depends on "@commodity-hindcast/stage-fit" as "fit" (devDependencies)',
      '9: depends on "example-data-generator" (peerDependencies)',
      '12: depends on "@Commodity-Hindcast/CLI" (optionalDependencies)',
    ]);
  });

  it('rejects local folders and workspace ranges for third-party names', () => {
    expect(
      check({
        dependencies: {
          a: 'file:../../vendor/a',
          b: 'link:../b',
          c: 'workspace:*',
          d: '../d',
          e: '/opt/e',
          f: 'portal:../f',
          arrow: '^21.2.0',
          git: 'github:apache/arrow',
        },
      }),
    ).toEqual([
      '3: depends on "a" via "file:../../vendor/a" (dependencies)',
      '4: depends on "b" via "link:../b" (dependencies)',
      '5: depends on "c" via "workspace:*" (dependencies)',
      '6: depends on "d" via "../d" (dependencies)',
      '7: depends on "e" via "/opt/e" (dependencies)',
      '8: depends on "f" via "portal:../f" (dependencies)',
    ]);
  });

  it('finds lines in compact JSON and checks the imports map', () => {
    const manifest = {
      dependencies: { '@commodity-hindcast/stage-fit': '*' },
      imports: {
        '#own': './src/own.js',
        '#zod': 'zod',
        '#io': '@commodity-hindcast/rundir-contract/io',
        '#src': '@commodity-hindcast/rundir-contract/src/x.js',
      },
    };
    const text = `{\n"dependencies": {"@commodity-hindcast/stage-fit": "*"},\n"imports": ${JSON.stringify(manifest.imports)}\n}`;
    expect(check(manifest, text)).toEqual([
      '2: depends on "@commodity-hindcast/stage-fit" (dependencies)',
      '3: maps "#src" to "@commodity-hindcast/rundir-contract/src/x.js"',
    ]);
  });
});
