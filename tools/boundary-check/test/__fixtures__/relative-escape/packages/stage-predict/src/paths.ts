import { own } from './own.js';
import { readParquet } from '../../rundir-contract/src/io/readParquet.js';
import { main } from '../../../tools/cli/src/main.js';
import { fit } from '../node_modules/@commodity-hindcast/stage-fit/dist/index.js';
import { shared } from '../../../config/tsup.mjs';

export const used = [own, readParquet, main, fit, shared];
