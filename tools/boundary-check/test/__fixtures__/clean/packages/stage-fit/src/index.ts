import { joinLocation } from '@commodity-hindcast/rundir-contract';
import type { Frame } from '@commodity-hindcast/rundir-contract/io';
import { z } from 'zod';

export { fitFold } from './fitFold.js';

export async function loadLayout(): Promise<unknown> {
  return import('@commodity-hindcast/rundir-contract/layout');
}

export const options = z.object({ runDir: z.string() });
export type Loaded = Frame;
export const where = joinLocation;
