import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SchemaError } from '../errors/ContractError.js';
import { ExperimentResult } from '../result/ExperimentResult.js';
import { buildRunDir } from '../testing/index.js';
import { plantNonsense } from '../../test/nonsenseRunDir.js';
import { validateRunDir } from './validateRunDir.js';
import { formatValidationReport, type ValidationReport } from './ValidationReport.js';

let root: string;
let runDir: string;
let expected: string[];
let report: ValidationReport;

beforeAll(async () => {
  root = await fs.mkdtemp(nodePath.join(os.tmpdir(), 'nonsense-'));
  const valid = await buildRunDir(nodePath.join(root, 'valid'));
  const validReport = await validateRunDir(valid.runDir);
  expect(validReport.checks.filter((c) => c.status !== 'pass')).toEqual([]);
  const built = await buildRunDir(nodePath.join(root, 'nonsense'));
  runDir = built.runDir;
  expected = await plantNonsense(built);
  report = await validateRunDir(runDir);
});

afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

describe('the nonsense run directory of issue 6', () => {
  it('fails validation with exactly one line per planted defect, and nothing else', () => {
    const failures = report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.path}: ${c.reason}`);
    expect(expected).toHaveLength(13);
    expect(failures.sort()).toEqual([...expected].sort());
    expect(report.checks.filter((c) => c.status === 'fail').every((c) => c.check === 'semantic')).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.summary.fail).toBe(13);
  });

  it('formats each failure as one line naming the file, the row or field, what was expected and what was found', () => {
    const lines = formatValidationReport(report).split('\n');
    expect(lines[0]).toMatch(/^INVALID .*: 13 failed, 0 warnings, \d+ passed$/);
    expect(lines).toContain(
      '  FAIL semantic models/corn_usa/2018/model.json [model]: field "coefficients": expected 3 entries (one per feature column), found 1',
    );
    expect(lines).toContain(
      '  FAIL semantic conformal/hindcast_oos_per_init_date.parquet [conformal]: row 0 column "adm_level": expected one of ADM0, ADM1, ADM2, found "ADM9"',
    );
    expect(lines).toHaveLength(1 + 13);
  });

  it('CalibrationResult.halfWidth refuses the NaN half-width instead of returning it', async () => {
    const result = await ExperimentResult.fromRunDir(runDir);
    // Row 3 of the sidecar: ADM0, season day 120, level 0.95.
    const query = { admLevel: 0 as const, scope: 'init_doy' as const, key: '120', level: 0.95 };
    await expect(result.calibration('hindcast_oos_per_init_date').halfWidth(query)).rejects.toThrow(SchemaError);
    await expect(result.calibration('hindcast_oos_per_init_date').halfWidth(query)).rejects.toThrow(
      /conformal\/hindcast_oos_per_init_date\.parquet: column "half_width_kg_ha" expected no NaN \(non-nullable double\), found 1 NaN, the first at row 3/,
    );
  });
});
