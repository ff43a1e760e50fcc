import pkg from '../../package.json' with { type: 'json' };

/** `name@version` of this contract package, the default `created_by` of a run directory. */
export const CONTRACT_PACKAGE = `${pkg.name}@${pkg.version}`;
