import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveConfigText, type ResolvedConfig } from '@commodity-hindcast/rundir-contract/config';
import { readJson, readParquet, writeParquet } from '@commodity-hindcast/rundir-contract/io';
import { manifestPath, nationalPath, runPath, walkForwardPredsPath, yearDataPath } from '@commodity-hindcast/rundir-contract/layout';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { ManifestSchema, nationalSchema, walkForwardPredsSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { REFERENCE_CONFIG_YAML } from '@commodity-hindcast/rundir-contract/testing';

/**
 * A WASDE-like vintage table for the reference run directory's test years (2018, 2019; init dates 29 July and
 * 1 October): July, August and September reports, a report published the day after an init date (2019-10-02, must
 * not count at 2019-10-01), and the finals.
 */
export const SYNTHETIC_WASDE = `commodity,country,report_date,report_month,marketing_year,season_year,projected_yield,unit,year_status
corn,United States,2018-05-10,2018-05,2018/19,2018,174.0,bu/acre,projection
corn,United States,2018-07-12,2018-07,2018/19,2018,174.0,bu/acre,projection
corn,United States,2018-08-10,2018-08,2018/19,2018,178.4,bu/acre,projection
corn,United States,2018-10-01,2018-10,2018/19,2018,180.7,bu/acre,projection
corn,United States,2019-05-10,2019-05,2019/20,2019,176.0,bu/acre,projection
corn,United States,2019-07-29,2019-07,2019/20,2019,166.0,bu/acre,projection
corn,United States,2019-09-12,2019-09,2019/20,2019,168.2,bu/acre,projection
corn,United States,2019-10-02,2019-10,2019/20,2019,168.4,bu/acre,projection
corn,United States,2020-05-12,2020-05,2018/19,2018,176.4,bu/acre,actual
corn,United States,2021-05-12,2021-05,2019/20,2019,167.5,bu/acre,actual
`;

/** The forecasts in force and the finals of SYNTHETIC_WASDE, by init date (bu/acre), for independent checks. */
export const WASDE_EXPECTED: Readonly<Record<string, { forecast: number; reportDate: string; final: number }>> = {
  '2018-07-29': { forecast: 174.0, reportDate: '2018-07-12', final: 176.4 },
  '2018-10-01': { forecast: 180.7, reportDate: '2018-10-01', final: 176.4 },
  '2019-07-29': { forecast: 166.0, reportDate: '2019-07-29', final: 167.5 },
  '2019-10-01': { forecast: 168.2, reportDate: '2019-09-12', final: 167.5 },
};

/** The reference config with a WASDE benchmark at `data/wasde/vintages.csv` under the data root. */
export function wasdeConfig(root: string): ResolvedConfig {
  const yaml = `${REFERENCE_CONFIG_YAML}reference_data:\n  - {kind: wasde, filepath: data/wasde/vintages.csv}\n`;
  return resolveConfigText(yaml, { where: 'evaluate test config', env: { INPUT_DATA_DIR: root }, flags: {} });
}

export async function writeWasde(root: string, text = SYNTHETIC_WASDE): Promise<string> {
  const file = join(root, 'data/wasde/vintages.csv');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  return file;
}

/**
 * Removes every observation of one test year (walk-forward predictions and the national series), re-writing the
 * PREDICT and POSTPROCESS manifests so the run directory stays trusted: a fold whose season is not yet observed.
 */
export async function withoutObservations(runDir: string, key: string, fold: number): Promise<void> {
  const preds = runPath(runDir, walkForwardPredsPath(key, fold));
  const frame = await readParquet(preds, walkForwardPredsSchema);
  frame.columns.obs_yield_kg_ha = new Array<number | null>(frame.numRows).fill(null);
  await writeParquet(preds, frame, walkForwardPredsSchema);
  await writeManifest({ runDir, stage: 'predict', scope: String(fold), package: { name: '@commodity-hindcast/stage-predict', version: '0.1.0' }, startedAt: new Date(), files: [walkForwardPredsPath(key, fold), yearDataPath(key, fold)] });
  const national = await readParquet(runPath(runDir, nationalPath()), nationalSchema);
  const years = national.columns.year as Int32Array;
  const obs = Array.from(national.columns.obs_yield_kg_ha as ArrayLike<number | null>);
  national.columns.obs_yield_kg_ha = obs.map((v, i) => (years[i] === fold ? null : v));
  await writeParquet(runPath(runDir, nationalPath()), national, nationalSchema);
  const old = await readJson(runPath(runDir, manifestPath('postprocess', null)), ManifestSchema);
  await writeManifest({ runDir, stage: 'postprocess', scope: null, package: { name: '@commodity-hindcast/stage-postprocess', version: '0.1.0' }, startedAt: new Date(), files: old.files.map((f) => f.path) });
}
