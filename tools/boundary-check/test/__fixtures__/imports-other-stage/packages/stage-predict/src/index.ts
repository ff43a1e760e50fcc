import { joinLocation } from '@commodity-hindcast/rundir-contract';
import { fit } from '@commodity-hindcast/stage-fit';
export { runCli } from '@commodity-hindcast/cli/run';

export const predict = [joinLocation, fit];
