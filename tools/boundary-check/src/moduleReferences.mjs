// Every place a source file names another module, found with TypeScript's own parser.
// A scanner (ts.preProcessFile, es-module-lexer) was not enough: preProcessFile reads `/import('x')/` in a
// regex literal as an import, and neither reports computed specifiers, which would hide an import from the check.
import { createRequire } from 'node:module';
import path from 'node:path';

// require() rather than `import ts from 'typescript'`: an ESM import of this 9 MB CommonJS file makes Node scan it
// for named exports first, which costs about a second on every run.
/** @type {typeof import('typescript')} */
const ts = createRequire(import.meta.url)('typescript');

/**
 * @typedef {object} ModuleReference
 * @property {string | null} specifier  the module named, or null when it is computed at run time
 * @property {number} line              1-based line of the specifier
 * @property {string} kind              how it is named, as a verb phrase: "imports", "imports type", "requires", ...
 */

const VITEST_MODULE_CALLS = new Set(['mock', 'doMock', 'unmock', 'doUnmock', 'importActual', 'importMock']);

/** @param {string} fileName */
function scriptKindOf(fileName) {
  switch (path.extname(fileName)) {
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.js':
    case '.mjs':
    case '.cjs':
      return ts.ScriptKind.JS;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.TS;
  }
}

/** @param {import('typescript').Node | undefined} node */
function literalText(node) {
  if (node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
    return node.text;
  }
  return null;
}

/** @param {import('typescript').ImportDeclaration} node */
function isTypeOnlyImport(node) {
  const clause = node.importClause;
  if (clause === undefined) return false;
  if (clause.isTypeOnly) return true;
  // `import { type A, type B } from 'x'` is erased under verbatimModuleSyntax only if it names no value,
  // but tsc still resolves it, so it is a dependency either way; the label only helps the reader.
  const bindings = clause.namedBindings;
  return (
    clause.name === undefined &&
    bindings !== undefined &&
    ts.isNamedImports(bindings) &&
    bindings.elements.length > 0 &&
    bindings.elements.every((element) => element.isTypeOnly)
  );
}

/**
 * Lists every module a file names: static imports and re-exports (type-only included), `import x = require()`,
 * `import()` (also in types: `import('x').T`), `require()`, `require.resolve()`, `import.meta.resolve()`,
 * vitest's `vi.mock()` family, JSDoc `@import` tags, `declare module 'x'`, and triple-slash references.
 *
 * @param {string} text
 * @param {string} fileName  used for the script kind (.ts, .tsx, .js, ...) and to resolve `/// <reference path>`
 * @returns {ModuleReference[]}
 */
export function findModuleReferences(text, fileName) {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  /** @type {ModuleReference[]} */
  const references = [];
  /** @param {number} position */
  const lineAt = (position) => sourceFile.getLineAndCharacterOfPosition(position).line + 1;
  /**
   * @param {import('typescript').Node} specifierNode
   * @param {string} kind
   */
  const add = (specifierNode, kind) => {
    references.push({
      specifier: literalText(specifierNode),
      line: lineAt(specifierNode.getStart(sourceFile)),
      kind,
    });
  };

  /** @param {import('typescript').Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      add(node.moduleSpecifier, isTypeOnlyImport(node) ? 'imports type' : 'imports');
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined) {
      add(node.moduleSpecifier, node.isTypeOnly ? 're-exports type from' : 're-exports from');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly ? 'imports type' : 'imports');
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(argument.literal, 'imports type');
    } else if (ts.isJSDocImportTag(node)) {
      add(node.moduleSpecifier, 'imports type');
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      add(node.name, 'declares module');
    } else if (ts.isCallExpression(node)) {
      visitCall(node);
    }
    // JSDoc is not a child in the AST; visiting it catches `@import` and `{import('x').T}` in .js files.
    const jsDoc = /** @type {{ jsDoc?: import('typescript').JSDoc[] }} */ (/** @type {unknown} */ (node)).jsDoc;
    if (jsDoc !== undefined) for (const doc of jsDoc) visit(doc);
    ts.forEachChild(node, visit);
  };

  /** @param {import('typescript').CallExpression} call */
  const visitCall = (call) => {
    const callee = call.expression;
    const firstArgument = call.arguments[0];
    if (callee.kind === ts.SyntaxKind.ImportKeyword) {
      addCallReference(call, firstArgument, 'dynamically imports');
    } else if (ts.isIdentifier(callee) && callee.text === 'require' && call.arguments.length === 1) {
      addCallReference(call, firstArgument, 'requires');
    } else if (ts.isPropertyAccessExpression(callee)) {
      const owner = callee.expression;
      const method = callee.name.text;
      const isRequireResolve = ts.isIdentifier(owner) && owner.text === 'require' && method === 'resolve';
      const isImportMetaResolve = ts.isMetaProperty(owner) && method === 'resolve';
      if (isRequireResolve || isImportMetaResolve) {
        addCallReference(call, firstArgument, 'resolves');
      } else if (ts.isIdentifier(owner) && owner.text === 'vi' && VITEST_MODULE_CALLS.has(method)) {
        // vi.mock(import('./x')) is caught as the import() itself; only a literal path is a reference here.
        if (literalText(firstArgument) !== null && firstArgument !== undefined) add(firstArgument, 'mocks');
      }
    }
  };

  /**
   * @param {import('typescript').CallExpression} call
   * @param {import('typescript').Expression | undefined} argument
   * @param {string} kind
   */
  const addCallReference = (call, argument, kind) => {
    if (argument !== undefined) add(argument, kind);
    else references.push({ specifier: null, line: lineAt(call.getStart(sourceFile)), kind });
  };

  visit(sourceFile);

  for (const reference of sourceFile.referencedFiles) {
    // `/// <reference path>` is relative to the file even without a leading "./".
    const relative = reference.fileName.startsWith('.') || path.isAbsolute(reference.fileName);
    references.push({
      specifier: relative ? reference.fileName : `./${reference.fileName}`,
      line: lineAt(reference.pos),
      kind: 'references',
    });
  }
  for (const reference of sourceFile.typeReferenceDirectives) {
    references.push({ specifier: reference.fileName, line: lineAt(reference.pos), kind: 'references types of' });
  }

  return references.sort((a, b) => a.line - b.line);
}
