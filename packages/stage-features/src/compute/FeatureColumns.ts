import { FeaturesInputError } from '../FeaturesError.js';
import type { FeatureBlock } from './FeatureBlock.js';
import { AUXILIARY_COLUMNS } from './YieldRows.js';

/** Names that are already columns of the feature tables, so no feature may take them. */
const RESERVED = new Set<string>(['year', 'geo_identifier', 'init_date', 'yield_kg_ha', ...AUXILIARY_COLUMNS]);

export interface FeatureColumnSelection {
  /** The feature columns of the tables, in order. */
  columns: string[];
  /** The builder that makes each column. */
  builderOf: ReadonlyMap<string, string>;
  /** Columns that must not come out all-missing: listed in `feature_cols`, or configured in their builder. */
  required: ReadonlySet<string>;
}

/**
 * Decides the feature columns before anything is computed: `feature_cols` (in its order) when configured,
 * else every column of every builder in config order. Two builders making one name, a builder making a
 * reserved name, or `feature_cols` naming a column no builder makes, are errors.
 */
export function selectFeatureColumns(
  blocks: readonly FeatureBlock[],
  featureCols: readonly string[] | undefined,
): FeatureColumnSelection {
  const builderOf = new Map<string, string>();
  const explicitColumns = new Set<string>();
  for (const block of blocks) {
    for (const column of block.columns) {
      if (RESERVED.has(column)) {
        throw new FeaturesInputError(
          `builders.${block.builder}`,
          undefined,
          `makes a feature named "${column}", which is a column the feature tables already have (${[...RESERVED].join(', ')})`,
          block.kind === 'indices'
            ? 'rename the variable or give the aggregate a name'
            : `leave "${column}" out of builders.${block.builder}.columns`,
        );
      }
      const other = builderOf.get(column);
      if (other !== undefined) {
        throw new FeaturesInputError(
          `builders.${block.builder}`,
          undefined,
          `makes the feature "${column}", which builder ${other} also makes`,
          'rename one (aggregate `name`, a different variable, or a `columns` list that leaves it out)',
        );
      }
      builderOf.set(column, block.builder);
      if (block.explicit) explicitColumns.add(column);
    }
  }
  if (featureCols === undefined) {
    return { columns: [...builderOf.keys()], builderOf, required: explicitColumns };
  }
  featureCols.forEach((column, i) => {
    if (!builderOf.has(column)) {
      const made = [...builderOf.keys()];
      const shown =
        made.length > 20 ? `${made.slice(0, 20).join(', ')}, … (${made.length})` : made.join(', ') || 'none';
      throw new FeaturesInputError(
        `feature_cols[${i}]`,
        undefined,
        `"${column}" is not made by any builder (they make: ${shown})`,
        'fix the name, or add the builder or aggregate that makes it',
      );
    }
  });
  return { columns: [...featureCols], builderOf, required: new Set(featureCols) };
}
