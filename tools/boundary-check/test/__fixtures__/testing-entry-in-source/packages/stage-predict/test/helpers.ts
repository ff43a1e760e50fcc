import { MemoryStore } from '@commodity-hindcast/rundir-contract/testing';

export const store = new MemoryStore();
