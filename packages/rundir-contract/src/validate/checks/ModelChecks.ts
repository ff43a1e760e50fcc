import type { Model } from '../../schemas/JsonArtifacts.js';
import { show, ViolationCollector, type CheckContext, type Violation } from './Violation.js';

type Tree = Extract<Model, { kind: 'gbdt' }>['trees'][number];

/**
 * `model.json`: the regressor the config names; feature columns unique; standardisation means and scales one per
 * feature; ridge coefficients one per feature; PCA components n_components × n_features with one coefficient per
 * component (n_components as configured); GBDT trees with parallel arrays of one length, split features inside
 * the feature list, finite thresholds, and child indices that point inside the tree, each node reached once.
 */
export function checkModel(model: Model, ctx: CheckContext): Violation[] {
  const out = new ViolationCollector(ctx.path);
  const nFeatures = model.feature_columns.length;
  const regression = ctx.config?.model.regression;
  if (regression !== undefined && model.kind !== regression)
    out.add('kind', 'field "kind"', `${show(regression)} (model.regression)`, show(model.kind));
  const seen = new Set<string>();
  model.feature_columns.forEach((name, i) => {
    if (seen.has(name))
      out.add('features', `field "feature_columns[${i}]"`, 'each feature column once', `${show(name)} repeated`);
    seen.add(name);
  });
  const lengthIs = (field: string, length: number, expected: number, what: string): void => {
    if (length !== expected) out.add(field, `field "${field}"`, `${expected} entries (${what})`, `${length}`);
  };
  if (model.kind !== 'gbdt') {
    lengthIs('standardisation.means', model.standardisation.means.length, nFeatures, 'one per feature column');
    lengthIs('standardisation.scales', model.standardisation.scales.length, nFeatures, 'one per feature column');
  }
  if (model.kind === 'ridge') lengthIs('coefficients', model.coefficients.length, nFeatures, 'one per feature column');
  if (model.kind === 'pca_ridge') {
    const configured =
      ctx.config?.model.regression === 'pca_ridge' ? ctx.config.model.regression_params.n_components : undefined;
    const nComponents = model.components.length;
    if (configured !== undefined)
      lengthIs('components', nComponents, configured, 'model.regression_params.n_components');
    else if (nComponents < 1 || nComponents > nFeatures)
      out.add(
        'components',
        'field "components"',
        `1 to ${nFeatures} components (at most one per feature)`,
        `${nComponents}`,
      );
    model.components.forEach((component, c) => {
      if (component.length !== nFeatures)
        out.add(
          'component length',
          `field "components[${c}]"`,
          `${nFeatures} entries (n_components × n_features)`,
          `${component.length}`,
        );
    });
    lengthIs('coefficients', model.coefficients.length, nComponents, 'one per PCA component');
  }
  if (model.kind === 'gbdt') model.trees.forEach((tree, t) => checkTree(tree, t, nFeatures, out));
  return out.violations;
}

function checkTree(tree: Tree, t: number, nFeatures: number, out: ViolationCollector): void {
  const n = tree.feature.length;
  const at = `field "trees[${t}]"`;
  if (n === 0) return out.add('tree empty', at, 'at least one node', 'none');
  for (const field of ['threshold', 'left', 'right', 'default_left', 'value'] as const) {
    if (tree[field].length !== n)
      return out.add(
        'tree arrays',
        `field "trees[${t}].${field}"`,
        `${n} entries (one per node, as "feature")`,
        `${tree[field].length}`,
      );
  }
  const parents = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const feature = tree.feature[i] as number;
    if (feature === -1) continue;
    const node = `field "trees[${t}]" node ${i}`;
    if (feature < 0 || feature >= nFeatures)
      out.add('tree feature', node, `a split feature index in [0, ${nFeatures}) or -1 for a leaf`, `${feature}`);
    if (!Number.isFinite(tree.threshold[i]))
      out.add('tree threshold', node, 'a finite split threshold', show(tree.threshold[i]));
    for (const child of [tree.left[i] as number, tree.right[i] as number]) {
      if (child <= 0 || child >= n || child === i)
        out.add('tree child', node, `child indices in [1, ${n}) other than the node itself`, `${child}`);
      else parents[child] = (parents[child] as number) + 1;
    }
  }
  for (let i = 1; i < n; i++) {
    if (parents[i] !== 1)
      out.add(
        'tree parent',
        `field "trees[${t}]" node ${i}`,
        'a node reached from exactly one parent (a tree, no cycle)',
        `${parents[i]} parents`,
      );
  }
}
