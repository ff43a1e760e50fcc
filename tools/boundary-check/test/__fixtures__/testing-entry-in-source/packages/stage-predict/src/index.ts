// The kit's fixtures would ship inside the stage's runtime: refused.
import { MemoryStore } from '@commodity-hindcast/rundir-contract/testing';
import { runPath } from '@commodity-hindcast/rundir-contract/layout';

export const used = [MemoryStore, runPath];
export async function kit(): Promise<unknown> {
  return import('@commodity-hindcast/rundir-contract/testing');
}
