import pkg from '../package.json' with { type: 'json' };

/** This stage package, as manifests and `created_by` fields name it. */
export const STAGE_PACKAGE = { name: pkg.name, version: pkg.version } as const;
