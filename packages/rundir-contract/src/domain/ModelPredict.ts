import { EvaluationError } from '../errors/ContractError.js';
import type { Model } from '../schemas/JsonArtifacts.js';
import { assertFeatureOrder, type FeatureFrame } from './FeatureFrame.js';

/**
 * Evaluates `model.json` (pipeline.md → Regression) on a feature frame whose features are the model's
 * `feature_columns` in order. The formulas (documented on ModelSchema):
 * - `ridge`:     y = intercept + Σ_j coefficients[j] · z_j, with z_j = (x_j − means[j]) / scales[j]
 * - `pca_ridge`: y = intercept + Σ_c coefficients[c] · Σ_j components[c][j] · z_j
 * - `gbdt`:      y = base_score + Σ_trees leaf value, walking from node 0: left when x ≤ threshold, right when
 *                x > threshold, and a missing x (NaN) goes where `default_left` says; leaf values already include
 *                the learning rate.
 * Linear models refuse a missing value (impute first: applyFillValues); trees route it by default_left.
 */
export function predict(model: Model, frame: FeatureFrame, where = 'model.json'): Float64Array {
  return compileModel(model, where)(frame);
}

/** A model compiled once (trees flattened into typed arrays) for many frames. */
export type Predictor = (frame: FeatureFrame) => Float64Array;

export function compileModel(model: Model, where = 'model.json'): Predictor {
  switch (model.kind) {
    case 'ridge':
      return compileLinear(
        model.feature_columns,
        model.standardisation,
        [],
        model.coefficients,
        model.intercept,
        where,
      );
    case 'pca_ridge':
      return compileLinear(
        model.feature_columns,
        model.standardisation,
        model.components,
        model.coefficients,
        model.intercept,
        where,
      );
    case 'gbdt':
      return compileForest(model, where);
  }
}

/**
 * Linear models evaluated exactly as documented, in a fixed summation order (features, then components, in their
 * order), so a trainer that evaluates the same formula gets the same bits: z_j = (x_j − mean_j) / scale_j;
 * pca_ridge: s_c = Σ_j comp[c][j] · z_j; y = intercept + Σ coef · (z or s).
 */
function compileLinear(
  featureColumns: readonly string[],
  standardisation: { means: readonly number[]; scales: readonly number[] },
  components: readonly (readonly number[])[],
  coefficients: readonly number[],
  intercept: number,
  where: string,
): Predictor {
  const p = featureColumns.length;
  const { means, scales } = standardisation;
  const kind = components.length === 0 ? 'ridge' : 'pca_ridge';
  if (means.length !== p || scales.length !== p) {
    throw new EvaluationError(
      `${where}: standardisation has ${means.length} means and ${scales.length} scales for ${p} feature columns; refit (commodity-hindcast run fit)`,
    );
  }
  const nTerms = kind === 'ridge' ? p : components.length;
  if (coefficients.length !== nTerms) {
    throw new EvaluationError(
      `${where}: ${coefficients.length} coefficients for ${nTerms} ${kind === 'ridge' ? 'feature columns' : 'PCA components'}; refit (commodity-hindcast run fit)`,
    );
  }
  components.forEach((component, c) => {
    if (component.length !== p)
      throw new EvaluationError(
        `${where}: components[${c}] has ${component.length} loadings for ${p} feature columns; refit (commodity-hindcast run fit)`,
      );
  });
  return (frame) => {
    assertFeatureOrder(frame, featureColumns, where);
    const n = frame.numRows;
    const z = frame.features.map((x, j) => {
      const mean = means[j] as number;
      const scale = scales[j] as number;
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = ((x[i] as number) - mean) / scale;
      return out;
    });
    const terms =
      kind === 'ridge'
        ? z
        : components.map((component) => {
            const s = new Float64Array(n);
            component.forEach((loading, j) => {
              const zj = z[j] as Float64Array;
              for (let i = 0; i < n; i++) s[i] = (s[i] as number) + loading * (zj[i] as number);
            });
            return s;
          });
    const out = new Float64Array(n).fill(intercept);
    terms.forEach((term, k) => {
      const coefficient = coefficients[k] as number;
      for (let i = 0; i < n; i++) out[i] = (out[i] as number) + coefficient * (term[i] as number);
    });
    const bad = out.findIndex(Number.isNaN);
    if (bad >= 0) {
      const j = frame.features.findIndex((x) => Number.isNaN(x[bad]));
      throw new EvaluationError(
        `${where}: row ${bad} feature ${JSON.stringify(frame.featureNames[j] ?? '?')} is missing (NaN) and a ${kind} model cannot use it; ` +
          "impute with the fold's feature_fill_values.parquet first",
      );
    }
    return out;
  };
}

/**
 * All trees of a forest in one set of typed arrays. Leaves are absorbing (both children point to the leaf itself,
 * split feature 0), so a walk may take a fixed number of steps — the tree's depth — without a branch on "is this
 * a leaf": `children[2·node + goRight]` with goRight = (x > threshold) | (missingGoesRight & x is NaN).
 */
interface FlatForest {
  roots: Int32Array;
  /** Depth of each tree (steps from the root to its deepest leaf). */
  depth: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** 1 where a missing value goes right (default_left false) at a split node; 0 at leaves. */
  missingRight: Int32Array;
  children: Int32Array;
  value: Float64Array;
}

/** Rows per block: the block's row-major features stay in cache while every tree walks them. */
const BLOCK_ROWS = 512;
/**
 * Steps taken in lockstep without asking "is this a leaf": a tree's depth, at most this. A row still inside the
 * tree after them (a deep, lopsided leaf-wise tree) finishes with an early-exit walk.
 */
const LOCKSTEP_STEPS = 12;

function compileForest(model: Extract<Model, { kind: 'gbdt' }>, where: string): Predictor {
  const forest = flatten(model, where);
  const p = model.feature_columns.length;
  const base = model.base_score;
  return (frame) => {
    assertFeatureOrder(frame, model.feature_columns, where);
    const n = frame.numRows;
    const out = new Float64Array(n);
    const rows = new Float64Array(BLOCK_ROWS * p);
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      const count = Math.min(BLOCK_ROWS, n - start);
      // Row-major copy of the block: one row's features sit in a cache line or a few while the trees walk them.
      for (let j = 0; j < p; j++) {
        const column = frame.features[j] as Float64Array;
        for (let i = 0; i < count; i++) rows[i * p + j] = column[start + i] as number;
      }
      const sums = out.subarray(start, start + count);
      sums.fill(base);
      for (let t = 0; t < forest.roots.length; t++) walkTree(forest, t, rows, p, count, sums);
    }
    return out;
  };
}

/** Adds tree t's leaf value to `sums[i]` for each of `count` rows; four rows walk side by side for parallelism. */
function walkTree(
  forest: FlatForest,
  t: number,
  rows: Float64Array,
  p: number,
  count: number,
  sums: Float64Array,
): void {
  const { feature, threshold, missingRight, children, value } = forest;
  const root = forest.roots[t] as number;
  const depth = forest.depth[t] as number;
  const steps = depth < LOCKSTEP_STEPS ? depth : LOCKSTEP_STEPS;
  const deep = depth > steps;
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const o0 = i * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    let n0 = root;
    let n1 = root;
    let n2 = root;
    let n3 = root;
    for (let s = 0; s < steps; s++) {
      const x0 = rows[o0 + (feature[n0] as number)] as number;
      const x1 = rows[o1 + (feature[n1] as number)] as number;
      const x2 = rows[o2 + (feature[n2] as number)] as number;
      const x3 = rows[o3 + (feature[n3] as number)] as number;
      n0 = children[2 * n0 + goRight(x0, n0, threshold, missingRight)] as number;
      n1 = children[2 * n1 + goRight(x1, n1, threshold, missingRight)] as number;
      n2 = children[2 * n2 + goRight(x2, n2, threshold, missingRight)] as number;
      n3 = children[2 * n3 + goRight(x3, n3, threshold, missingRight)] as number;
    }
    if (deep) {
      n0 = finish(forest, rows, o0, n0);
      n1 = finish(forest, rows, o1, n1);
      n2 = finish(forest, rows, o2, n2);
      n3 = finish(forest, rows, o3, n3);
    }
    sums[i] = (sums[i] as number) + (value[n0] as number);
    sums[i + 1] = (sums[i + 1] as number) + (value[n1] as number);
    sums[i + 2] = (sums[i + 2] as number) + (value[n2] as number);
    sums[i + 3] = (sums[i + 3] as number) + (value[n3] as number);
  }
  for (; i < count; i++) sums[i] = (sums[i] as number) + (value[finish(forest, rows, i * p, root)] as number);
}

/** Walks on from `node` until a leaf (a node that is its own child), with an early exit. */
function finish(forest: FlatForest, rows: Float64Array, offset: number, node: number): number {
  const { feature, threshold, missingRight, children } = forest;
  for (;;) {
    const next = children[
      2 * node + goRight(rows[offset + (feature[node] as number)] as number, node, threshold, missingRight)
    ] as number;
    if (next === node) return node;
    node = next;
  }
}

/** 1 when x goes right at `node`: x > threshold, or x missing and default_left false. Never both conditions. */
function goRight(x: number, node: number, threshold: Float64Array, missingRight: Int32Array): number {
  // Unary plus, not a ternary: V8 compiles it to a flag-to-integer move, not a branch a random split mispredicts.
  // biome-ignore lint/suspicious/noSelfCompare: x !== x is the branch-free NaN test of this hot loop
  return +(x > (threshold[node] as number)) | ((missingRight[node] as number) & +(x !== x));
}

/**
 * Concatenates the trees, checking what makes a walk terminate and stay inside the arrays: parallel arrays of one
 * length, split features inside the feature list, children inside the tree other than node 0, each node the child
 * of at most one parent (so every walk from node 0 follows a tree and ends at a leaf).
 */
function flatten(model: Extract<Model, { kind: 'gbdt' }>, where: string): FlatForest {
  const p = model.feature_columns.length;
  const total = model.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const forest: FlatForest = {
    roots: new Int32Array(model.trees.length),
    depth: new Int32Array(model.trees.length),
    feature: new Int32Array(total),
    threshold: new Float64Array(total),
    missingRight: new Int32Array(total),
    children: new Int32Array(2 * total),
    value: new Float64Array(total),
  };
  let offset = 0;
  model.trees.forEach((tree, t) => {
    const n = tree.feature.length;
    const bad = (problem: string): EvaluationError =>
      new EvaluationError(`${where}: trees[${t}] ${problem}; refit (commodity-hindcast run fit)`);
    if (n === 0) throw bad('has no node');
    for (const field of ['threshold', 'left', 'right', 'default_left', 'value'] as const) {
      if (tree[field].length !== n) throw bad(`has ${tree[field].length} "${field}" entries for ${n} nodes`);
    }
    const hasParent = new Uint8Array(n);
    forest.roots[t] = offset;
    for (let k = 0; k < n; k++) {
      const f = tree.feature[k] as number;
      const at = offset + k;
      forest.value[at] = tree.value[k] as number;
      if (f < 0) {
        forest.children[2 * at] = at;
        forest.children[2 * at + 1] = at;
        continue;
      }
      if (f >= p) throw bad(`node ${k} splits on feature ${f}, outside the ${p} feature columns`);
      const threshold = tree.threshold[k] as number;
      if (Number.isNaN(threshold)) throw bad(`node ${k} has no threshold`);
      for (const child of [tree.left[k] as number, tree.right[k] as number]) {
        if (!Number.isInteger(child) || child <= 0 || child >= n)
          throw bad(`node ${k} has child ${child}, outside [1, ${n})`);
        if (hasParent[child] === 1) throw bad(`node ${child} is the child of two nodes`);
        hasParent[child] = 1;
      }
      forest.feature[at] = f;
      forest.threshold[at] = threshold;
      forest.missingRight[at] = tree.default_left[k] ? 0 : 1;
      forest.children[2 * at] = offset + (tree.left[k] as number);
      forest.children[2 * at + 1] = offset + (tree.right[k] as number);
    }
    forest.depth[t] = treeDepth(tree.left, tree.right, tree.feature);
    offset += n;
  });
  return forest;
}

/** Steps from node 0 to the deepest leaf (iterative: a leaf-wise tree may be deep). */
function treeDepth(left: readonly number[], right: readonly number[], feature: readonly number[]): number {
  let deepest = 0;
  const stack: [number, number][] = [[0, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [number, number];
    if ((feature[node] as number) < 0) deepest = Math.max(deepest, depth);
    else stack.push([left[node] as number, depth + 1], [right[node] as number, depth + 1]);
  }
  return deepest;
}
