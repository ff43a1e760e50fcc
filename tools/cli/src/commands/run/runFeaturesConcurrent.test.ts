import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, startBin } from '../../__fixtures__/CliProcess.js';
import { filesUnder, waitFor, writerLeftovers } from '../../__fixtures__/OutputFiles.js';

// Issue 7, wrong result 1: two `run features --force` at once left fit.parquet from one run and pred.parquet and
// metadata.json from the other, with metadata's sha256 vouching for the mix.
let root: string;
let env: Record<string, string>;
const CONFIG = 'configs/example_corn_usa.yaml';
const OTHER = ['--set', 'feature_start_year=2012', '--set', 'experiment_protocol.test_years=[2014,2015]'];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'cli-features-concurrent-'));
  env = { INPUT_DATA_DIR: root };
  const init = await runBin(
    ['example', 'init', '--states', '1', '--counties-per-state', '4', '--first-year', '2010', '--last-year', '2015'],
    { cwd: root, env },
  );
  expect(init.code).toBe(0);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** What identifies one build: both tables' sha256 and the settings digest metadata.json records. */
async function signature(): Promise<{ fit: string; pred: string; digest: string; vouched: boolean }> {
  const dir = join(root, 'features/corn_usa');
  const sha = async (name: string): Promise<string> =>
    createHash('sha256')
      .update(await readFile(join(dir, name)))
      .digest('hex');
  const metadata = JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')) as {
    digest: string;
    tables: Record<string, { file: string; sha256: string }>;
  };
  const [fit, pred] = [await sha('fit.parquet'), await sha('pred.parquet')];
  const vouched = metadata.tables.fit?.sha256 === fit && metadata.tables.pred?.sha256 === pred;
  return { fit, pred, digest: metadata.digest, vouched };
}

describe('two run features --force at once', () => {
  it('leave the tables and metadata.json whole from one of the runs, never a mix', async () => {
    expect((await runBin(['run', 'features', '--config', CONFIG, '--force', ...OTHER], { cwd: root, env })).code).toBe(
      0,
    );
    const other = await signature();
    expect((await runBin(['run', 'features', '--config', CONFIG, '--force'], { cwd: root, env })).code).toBe(0);
    const plain = await signature();
    expect(other.digest).not.toBe(plain.digest);

    // Run 1 (other settings) is stopped right after it wrote its first table, wherever it writes it; run 2 (plain)
    // then runs to completion; run 1 continues and finishes.
    await rm(join(root, 'features'), { recursive: true, force: true });
    const first = startBin(['run', 'features', '--config', CONFIG, '--force', ...OTHER], { cwd: root, env });
    let exited = false;
    void first.done.then(() => (exited = true));
    const table = await waitFor(
      () => filesUnder(join(root, 'features')).find((name) => name.endsWith('fit.parquet')),
      () => exited,
    );
    expect(table, 'run 1 wrote fit.parquet before it exited').toBeDefined();
    first.child.kill('SIGSTOP');
    const second = await runBin(['run', 'features', '--config', CONFIG, '--force'], { cwd: root, env });
    first.child.kill('SIGCONT');
    const firstResult = await first.done;
    expect(second.code, second.stderr).toBe(0);
    expect(firstResult.code, firstResult.stderr).toBe(0);

    // The run that published last wins whole (here run 1): the tables and the digest are one run's, and
    // metadata.json's checksums are those of the tables beside it.
    expect(await signature()).toEqual({ ...other, vouched: true });
    expect(writerLeftovers(root)).toEqual([]);
    // And a later run with run 1's settings finds exactly that build up to date.
    const again = await runBin(['run', 'features', '--config', CONFIG, '--json', ...OTHER], { cwd: root, env });
    expect(JSON.parse(again.stdout)).toMatchObject({ skipped: true, digest: other.digest });
  });
});
