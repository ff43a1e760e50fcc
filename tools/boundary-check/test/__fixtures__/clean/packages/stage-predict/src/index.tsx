import * as contract from '@commodity-hindcast/rundir-contract';
import { model } from '#model';

export const view = <pre>{String(model)}</pre>;
export const contractNames = Object.keys(contract);
