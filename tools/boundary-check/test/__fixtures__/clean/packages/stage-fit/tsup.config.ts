import { shared } from '../../config/tsup.mjs';

// A stage's tool settings may use the repository's shared config/.
export default { ...shared, entry: { index: 'src/index.ts' } };
