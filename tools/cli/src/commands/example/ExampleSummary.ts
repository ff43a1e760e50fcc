import type { WriteExampleReport } from '@commodity-hindcast/example-data';
import { formatBytes, formatCount, formatDuration, formatTable, formatYears } from '../../program/HumanUnits.js';

/** `example: 240 counties in 4 states, seasons 1995-2024 (30 seasons), 7,128 yield rows (72 withheld)`. */
export function exampleHeadline(report: WriteExampleReport): string {
  return (
    `example: ${formatCount(report.counties)} counties in ${report.states} state${report.states === 1 ? '' : 's'}, ` +
    `seasons ${formatYears(report.years)}, ${formatCount(report.yieldRows)} yield rows (${formatCount(report.withheldYields)} withheld)`
  );
}

/** The written files, one aligned row each: name, location, size and rows. */
export function exampleFileRows(report: WriteExampleReport): [string, string][] {
  return report.files.map((file) => {
    const name =
      file.path
        .split('/')
        .pop()
        ?.replace(/\.(parquet|zarr|yaml)$/, '') ?? file.path;
    const rows =
      file.rows === undefined
        ? ''
        : `, ${formatCount(file.rows)} ${file.path.endsWith('.zarr') ? 'values per variable' : 'rows'}`;
    return [name === 'example_corn_usa' ? 'config' : name, `${file.location} (${formatBytes(file.bytes)}${rows})`];
  });
}

/** What `example init` prints. */
export function formatExampleInit(report: WriteExampleReport): string {
  return [
    `${exampleHeadline(report)}; generated in ${formatDuration(report.generateMs)}, written in ${formatDuration(report.writeMs)}`,
    formatTable(exampleFileRows(report)),
    `next: INPUT_DATA_DIR=${report.inputDataDir} commodity-hindcast run features --config ${report.configLocation}`,
  ].join('\n');
}
