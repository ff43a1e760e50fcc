import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, runBin } from '../../__fixtures__/CliProcess.js';

// The contract's own run-directory builder and defect planter (test sources, loaded by path so this package's
// type-check stays inside its root): the same nonsense run directory the contract's acceptance test validates.
interface NonsenseFixtures {
  buildRunDir(inputDataDir: string): Promise<{ runDir: string }>;
  plantNonsense(built: unknown): Promise<string[]>;
}
const CONTRACT_TEST = new URL('../../../../../packages/rundir-contract/test/', import.meta.url);

let root: string;
let runDir: string;
let expected: string[];
beforeAll(async () => {
  const { buildRunDir } = (await import(new URL('../src/testing/index.ts', CONTRACT_TEST).href)) as NonsenseFixtures;
  const { plantNonsense } = (await import(new URL('nonsenseRunDir.ts', CONTRACT_TEST).href)) as NonsenseFixtures;
  root = await mkdtemp(join(tmpdir(), 'cli-nonsense-'));
  const built = await buildRunDir(root);
  runDir = built.runDir;
  expected = await plantNonsense(built);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('rundir validate on the nonsense run directory of issue 6', () => {
  it('prints one FAIL line per planted defect and exits 1', async () => {
    const run = await runBin(['rundir', 'validate', runDir], { cwd: root });
    expect(run.code).toBe(1);
    const out = lines(run.stdout);
    expect(out[0]).toMatch(
      new RegExp(
        `^INVALID ${runDir} \\(run \\d{8}_\\d{6}_corn_usa, contract 1\\.0\\.0\\): 13 failed, 0 warnings, \\d+ passed$`,
      ),
    );
    const failures = out.slice(1).map((line) => {
      const m = /^ {2}FAIL semantic (\S+) \[[a-z_]+\]: (.*)$/.exec(line);
      return m ? `${m[1]}: ${m[2]}` : `unexpected line: ${line}`;
    });
    expect(expected).toHaveLength(13);
    expect(failures.sort()).toEqual([...expected].sort());
    expect(lines(run.stderr).at(-1)).toBe(
      `commodity-hindcast: ${runDir} is not a valid run directory: 13 checks failed; the report on stdout lists them`,
    );
  });
});
