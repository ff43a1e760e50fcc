import { describe, expect, it } from 'vitest';
import { findModuleReferences } from '../src/moduleReferences.mjs';

/** @param {string[]} lines */
const source = (lines) => `${lines.join('\n')}\n`;

describe('findModuleReferences', () => {
  it('finds every way a TypeScript file names a module, with its line and kind', () => {
    const text = source([
      '/// <reference path="../../shared.d.ts" />',
      '/// <reference types="@commodity-hindcast/stage-fit" />',
      "import type { A } from 'type-only';",
      "import { type B } from 'inline-type';",
      "import { type C, d } from 'mixed';",
      "export type { E } from 'export-type';",
      "export * from 'star';",
      "import f = require('import-equals');",
      "const g = require('require');",
      "const h = await import('dynamic');",
      "type T = import('import-type').T;",
      'const i = await import(`template`);',
      "require.resolve('require-resolve');",
      "import.meta.resolve('meta-resolve');",
      "vi.mock('mocked', () => ({}));",
      "declare module 'augmented' { interface Q {} }",
      "import 'side-effect';",
      'import {',
      '  j,',
      "} from 'multi-line';",
    ]);
    expect(findModuleReferences(text, 'a.ts')).toEqual([
      { specifier: '../../shared.d.ts', line: 1, kind: 'references' },
      { specifier: '@commodity-hindcast/stage-fit', line: 2, kind: 'references types of' },
      { specifier: 'type-only', line: 3, kind: 'imports type' },
      { specifier: 'inline-type', line: 4, kind: 'imports type' },
      { specifier: 'mixed', line: 5, kind: 'imports' },
      { specifier: 'export-type', line: 6, kind: 're-exports type from' },
      { specifier: 'star', line: 7, kind: 're-exports from' },
      { specifier: 'import-equals', line: 8, kind: 'imports' },
      { specifier: 'require', line: 9, kind: 'requires' },
      { specifier: 'dynamic', line: 10, kind: 'dynamically imports' },
      { specifier: 'import-type', line: 11, kind: 'imports type' },
      { specifier: 'template', line: 12, kind: 'dynamically imports' },
      { specifier: 'require-resolve', line: 13, kind: 'resolves' },
      { specifier: 'meta-resolve', line: 14, kind: 'resolves' },
      { specifier: 'mocked', line: 15, kind: 'mocks' },
      { specifier: 'augmented', line: 16, kind: 'declares module' },
      { specifier: 'side-effect', line: 17, kind: 'imports' },
      // A multi-line import is reported where its specifier is.
      { specifier: 'multi-line', line: 20, kind: 'imports' },
    ]);
  });

  it('reports computed specifiers as null, since the check cannot know what they load', () => {
    const text = source(['const a = await import(name);', 'const b = require(`${base}/x`);', 'const c = import();']);
    expect(findModuleReferences(text, 'a.mts')).toEqual([
      { specifier: null, line: 1, kind: 'dynamically imports' },
      { specifier: null, line: 2, kind: 'requires' },
      { specifier: null, line: 3, kind: 'dynamically imports' },
    ]);
  });

  it('ignores module-like text in strings, comments and regular expressions, and unrelated calls', () => {
    const text = source([
      `const s = "import('in-string')";`,
      "// import 'in-line-comment'",
      "/* const x = require('in-block-comment') */",
      "const re = /import('in-regex')/;",
      "const t = `require('in-template')`;",
      "other.require('method-named-require');",
      "load('plain-call');",
      "vi.fn('not-a-module-call');",
    ]);
    expect(findModuleReferences(text, 'a.ts')).toEqual([]);
  });

  it('parses JSX and JSDoc in JavaScript files', () => {
    const text = source([
      "/** @import { A } from 'jsdoc-import' */",
      "/** @type {import('jsdoc-type').T} */",
      'let a;',
      'const view = <div>{a}</div>;',
      "module.exports = require('cjs');",
    ]);
    expect(findModuleReferences(text, 'a.js')).toEqual([
      { specifier: 'jsdoc-import', line: 1, kind: 'imports type' },
      { specifier: 'jsdoc-type', line: 2, kind: 'imports type' },
      { specifier: 'cjs', line: 5, kind: 'requires' },
    ]);
  });

  it('parses TSX, where <T> is an element rather than a type assertion', () => {
    const text = source(["import { h } from 'preact';", 'export const v = <T>{h}</T>;', "export { w } from './w.js';"]);
    expect(findModuleReferences(text, 'a.tsx')).toEqual([
      { specifier: 'preact', line: 1, kind: 'imports' },
      { specifier: './w.js', line: 3, kind: 're-exports from' },
    ]);
  });
});
