#!/usr/bin/env node
// Usage: node tools/boundary-check/bin/check-boundaries.mjs [--root DIR]
// Exit 0: no violations. Exit 1: violations, one "file:line: message" line each. Exit 2: the check could not run.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BoundaryCheckSetupError, checkBoundaries, formatViolation } from '../src/checkBoundaries.mjs';

const USAGE = 'usage: check-boundaries [--root DIR]   (DIR defaults to the repository holding this script)';
// bin/ -> boundary-check/ -> tools/ -> repository root
const DEFAULT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * @param {number} count
 * @param {string} noun
 */
function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** @param {string[]} args */
function parseArguments(args) {
  let root = DEFAULT_ROOT;
  for (let index = 0; index < args.length; index += 1) {
    const arg = /** @type {string} */ (args[index]);
    if (arg === '--help' || arg === '-h') return { help: true, root };
    if (arg === '--root') {
      const value = args[index + 1];
      if (value === undefined || value.startsWith('--'))
        throw new BoundaryCheckSetupError(`--root needs a directory — ${USAGE}`);
      root = path.resolve(value);
      index += 1;
    } else if (arg.startsWith('--root=')) {
      root = path.resolve(arg.slice('--root='.length));
    } else {
      throw new BoundaryCheckSetupError(`unknown argument ${JSON.stringify(arg)} — ${USAGE}`);
    }
  }
  return { help: false, root };
}

try {
  const { help, root } = parseArguments(process.argv.slice(2));
  if (help) {
    console.log(USAGE);
  } else {
    const report = checkBoundaries({ root });
    const count = report.violations.length;
    const summary =
      `boundary check: ${plural(report.stagePackages.length, 'stage package')}, ` +
      `${plural(report.files, 'file')}, ${plural(count, 'violation')}`;
    if (count === 0) {
      console.log(summary);
    } else {
      for (const violation of report.violations) console.error(formatViolation(violation));
      console.error(summary);
      process.exitCode = 1;
    }
  }
} catch (error) {
  if (!(error instanceof BoundaryCheckSetupError)) throw error;
  console.error(`boundary check: ${error.message}`);
  process.exitCode = 2;
}
