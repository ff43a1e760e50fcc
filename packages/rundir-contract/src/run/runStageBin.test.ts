import { describe, expect, it } from 'vitest';
import { ContractError, UsageError } from '../errors/ContractError.js';
import { runStageBin, type StageBin, stageArgs } from './runStageBin.js';

const USAGE = 'usage: toy --run-dir D [--times N] [--json]';

interface ToyOptions {
  runDir: string;
  times: number;
}

/** A toy stage: succeeds with `{ runDir, total }`, or fails as its run directory's name says. */
const toy: StageBin<ToyOptions, { runDir: string; total: number }> = {
  name: 'commodity-hindcast-toy',
  usage: USAGE,
  parse: stageArgs({ 'run-dir': { type: 'string' }, times: { type: 'string' } }, (values) => {
    const times = values.times === undefined ? 1 : Number(values.times);
    if (!values['run-dir'] || !Number.isInteger(times)) throw new UsageError('--run-dir is required');
    return { runDir: values['run-dir'], times };
  }),
  run: async ({ runDir, times }) => {
    if (runDir === 'broken') throw new ContractError('broken/_rundir.json: field "a"\n   is missing; add it');
    if (runDir === 'thrown-string') throw 'not an error';
    return { runDir, total: 2 * times };
  },
  formatSummary: (result) => `toy: ${result.runDir}\n  total ${result.total}`,
};

async function runToy(bin: StageBin<ToyOptions, { runDir: string; total: number }>, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runStageBin(bin, args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  });
  return { code, stdout, stderr };
}

describe('runStageBin', () => {
  it('exits 0 with the summary, or the result as one JSON line', async () => {
    expect(await runToy(toy, ['--run-dir', 'r', '--times', '3'])).toEqual({
      code: 0,
      stdout: 'toy: r\n  total 6\n',
      stderr: '',
    });
    const json = await runToy(toy, ['--run-dir', 'r', '--json']);
    expect(json.code).toBe(0);
    expect(json.stdout.split('\n')).toEqual(['{"runDir":"r","total":2}', '']);
    expect(json.stderr).toBe('');
  });

  it('exits 0 with the usage on stdout for --help, even beside other flags', async () => {
    expect(await runToy(toy, ['--help'])).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
    expect(await runToy(toy, ['--times', 'x', '--help'])).toEqual({ code: 0, stdout: `${USAGE}\n`, stderr: '' });
  });

  it('exits 2 with one problem line and the usage on stderr for a bad command line', async () => {
    const unknown = await runToy(toy, ['--run-dir', 'r', '--fold', '2018']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    const [line, usage, end, ...rest] = unknown.stderr.split('\n');
    expect(line).toMatch(/^commodity-hindcast-toy: Unknown option '--fold'/);
    expect([usage, end, rest]).toEqual([USAGE, '', []]);

    expect(await runToy(toy, ['r'])).toMatchObject({ code: 2, stdout: '' });
    expect(await runToy(toy, ['--run-dir'])).toMatchObject({ code: 2, stdout: '' });
    expect(await runToy(toy, ['--times', '2'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `commodity-hindcast-toy: --run-dir is required\n${USAGE}\n`,
    });
  });

  it('exits 1 with one line naming the error, its line breaks folded', async () => {
    expect(await runToy(toy, ['--run-dir', 'broken'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'commodity-hindcast-toy: ContractError: broken/_rundir.json: field "a" is missing; add it\n',
    });
    expect(await runToy(toy, ['--run-dir', 'thrown-string'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'commodity-hindcast-toy: not an error\n',
    });
  });

  it('takes any parser whose usage errors carry the code USAGE, and rethrows other parser errors', async () => {
    class OwnUsageError extends ContractError {
      override readonly code = 'USAGE' as const;
    }
    const own = {
      ...toy,
      parse: (args: readonly string[]) => {
        if (args.length === 0) throw new OwnUsageError('give --run-dir');
        if (args[0] === 'bug') throw new TypeError('a bug');
        return { help: false as const, json: false, options: { runDir: args[0] as string, times: 1 } };
      },
    };
    expect(await runToy(own, [])).toEqual({
      code: 2,
      stdout: '',
      stderr: `commodity-hindcast-toy: give --run-dir\n${USAGE}\n`,
    });
    expect(await runToy(own, ['s'])).toEqual({ code: 0, stdout: 'toy: s\n  total 2\n', stderr: '' });
    await expect(runToy(own, ['bug'])).rejects.toThrow(TypeError);
  });
});
