import pkg from '../../package.json' with { type: 'json' };

/** `@commodity-hindcast/cli@<version>`: who created a run directory, as `_rundir.json` records it. */
export const CLI_PACKAGE = `${pkg.name}@${pkg.version}`;
