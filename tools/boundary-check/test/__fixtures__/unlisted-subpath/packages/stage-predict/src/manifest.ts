import { io } from '@commodity-hindcast/rundir-contract/io';
import { writeManifest } from '@commodity-hindcast/rundir-contract/manifest';
import { tableSchema } from '@commodity-hindcast/rundir-contract/schemas/table';
import { rawSchema } from '@commodity-hindcast/rundir-contract/schemas/internal/raw';

export const used = [io, writeManifest, tableSchema, rawSchema];
