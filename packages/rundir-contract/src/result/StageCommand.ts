import type { ArtifactDeclaration } from '../layout/Artifacts.js';
import type { SliceRef } from '../layout/RunLayout.js';
import type { Location } from '../location/Location.js';

const CLI = 'commodity-hindcast';

/**
 * The composed-CLI command that makes an artifact (architecture.md → The composed CLI), for error messages:
 * a reader or preflight that finds an input missing tells the user exactly what to run.
 */
export function commandThatMakes(
  artifact: ArtifactDeclaration,
  runDir: Location,
  where: { fold?: string; slice?: SliceRef } = {},
): string {
  if (artifact.scope === 'slice') {
    const slice = where.slice
      ? ` --season-year ${where.slice.seasonYear} --init-date ${where.slice.initDate}`
      : ' --season-year <Y> --init-date <YYYY-MM-DD>';
    return `'${CLI} run forecast --run-dir ${runDir}${slice}'`;
  }
  switch (artifact.writtenBy) {
    case 'import':
      return `'${CLI} data import …' (or fix the builders.<name>.filepath of the config)`;
    case 'create':
      return `'${CLI} run hindcast --config <config>' (it creates the run directory)`;
    case 'features':
      return `'${CLI} run features --config <config>'`;
    case 'fit':
    case 'predict':
      return where.fold === 'production'
        ? `'${CLI} run hindcast --run-dir ${runDir}' (or '${CLI} run fit-production --config <config>')`
        : `'${CLI} run hindcast --run-dir ${runDir}'`;
    default:
      return `'${CLI} run ${artifact.writtenBy} --run-dir ${runDir}'`;
  }
}
