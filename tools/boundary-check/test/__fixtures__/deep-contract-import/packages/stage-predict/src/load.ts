// Deep imports reach past the contract's exports map into files it may change at any time.
import { readParquet } from '@commodity-hindcast/rundir-contract/src/io/readParquet.js';
import { layout } from '@commodity-hindcast/rundir-contract/dist/layout.js';

export const load = [readParquet, layout];
