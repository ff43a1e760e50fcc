import { describe, expect, it } from 'vitest';
import { parseCliArgs, UsageError } from './parseCliArgs.js';

describe('parseCliArgs', () => {
  it('hindcast mode: --config C [--force] [--json]', () => {
    expect(parseCliArgs(['--config', 'configs/corn_usa.yaml'])).toEqual({
      help: false,
      json: false,
      options: { mode: 'hindcast', config: 'configs/corn_usa.yaml', force: false },
    });
    expect(parseCliArgs(['--config=c.yaml', '--force', '--json'])).toMatchObject({
      json: true,
      options: { force: true },
    });
  });

  it('forecast mode: --run-dir D --season-year Y --init-date YYYY-MM-DD', () => {
    expect(
      parseCliArgs(['--run-dir', 's3://b/runs/x', '--season-year', '2024', '--init-date', '2024-08-01', '--force']),
    ).toEqual({
      help: false,
      json: false,
      options: { mode: 'forecast', runDir: 's3://b/runs/x', seasonYear: 2024, initDate: '2024-08-01', force: true },
    });
  });

  it('refuses incomplete, mixed or malformed command lines with a usage error', () => {
    const cases: [string[], RegExp][] = [
      [[], /give --config C \(hindcast\) or --run-dir D/],
      [['--run-dir', 'd', '--season-year', '2024'], /forecast mode needs --init-date/],
      [['--config', 'c', '--run-dir', 'd'], /give one or the other/],
      [
        ['--run-dir', 'd', '--season-year', '24', '--init-date', '2024-08-01'],
        /--season-year: expected a four-digit year, got "24"/,
      ],
      [['--run-dir', 'd', '--season-year', '2024', '--init-date', '1/8/2024'], /--init-date: expected YYYY-MM-DD/],
      [['--config', 'c', '--fast'], /Unknown option '--fast'/],
      [['extra'], /Unexpected argument 'extra'/],
    ];
    for (const [args, message] of cases) {
      expect(() => parseCliArgs(args), args.join(' ')).toThrowError(UsageError);
      expect(() => parseCliArgs(args), args.join(' ')).toThrowError(message);
    }
  });

  it('--help', () => {
    expect(parseCliArgs(['--help'])).toEqual({ help: true });
  });
});
