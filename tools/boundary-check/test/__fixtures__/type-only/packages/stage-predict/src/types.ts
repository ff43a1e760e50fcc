import type { Frame } from '@commodity-hindcast/rundir-contract/io';
import type { FitResult } from '@commodity-hindcast/stage-fit';

export type Predicted = Frame & FitResult;
export type Options = import('@commodity-hindcast/stage-fit').FitOptions;
