import { buildRunDir } from '@commodity-hindcast/rundir-contract/testing';

export const build = buildRunDir;
