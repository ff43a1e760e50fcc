import { runStageConformance } from '@commodity-hindcast/rundir-contract/testing';

export const kit = runStageConformance;
