// One entry per concern; each becomes the subpath export `@commodity-hindcast/rundir-contract/<name>`.
export const entries = [
  'version',
  'errors',
  'location',
  'store',
  'layout',
  'schemas',
  'io',
  'config',
  'domain',
  'manifest',
  'run',
  'result',
  'validate',
  'testing',
];
