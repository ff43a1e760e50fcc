import path from 'node:path';
import type { TableSchema } from '@commodity-hindcast/rundir-contract/schemas/table';

// A string that looks like an import must not count: "import('@commodity-hindcast/stage-predict')"
const pattern = /import\('@commodity-hindcast\/stage-predict'\)/;

export function fitFold(schema: TableSchema): string {
  return path.posix.join('fold', String(pattern.test(String(schema))));
}
