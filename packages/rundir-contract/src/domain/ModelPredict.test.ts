import { describe, expect, it } from 'vitest';
import { EvaluationError } from '../errors/ContractError.js';
import type { Model } from '../schemas/JsonArtifacts.js';
import { ModelSchema } from '../schemas/JsonArtifacts.js';
import { mulberry32 } from '../testing/SeededRandom.js';
import type { FeatureFrame } from './FeatureFrame.js';
import { compileModel, predict } from './ModelPredict.js';

type Gbdt = Extract<Model, { kind: 'gbdt' }>;
type Tree = Gbdt['trees'][number];

function frameOf(names: string[], rows: number[][]): FeatureFrame {
  return {
    numRows: rows.length,
    year: new Int32Array(rows.length).fill(2018),
    geoIdentifier: rows.map(() => 'ADM0:USA/ADM1:iowa/ADM2:story'),
    initDate: new Int32Array(rows.length),
    featureNames: names,
    features: names.map((_, j) => Float64Array.from(rows.map((r) => r[j] as number))),
  };
}

describe('ridge and pca_ridge', () => {
  it('ridge: intercept + Σ coef·(x − mean)/scale, by hand', () => {
    const model: Model = {
      kind: 'ridge',
      feature_columns: ['a', 'b'],
      standardisation: { means: [1, 10], scales: [2, 5] },
      alpha: 1,
      intercept: 100,
      coefficients: [3, -4],
    };
    // row 1: 100 + 3·(5−1)/2 − 4·(20−10)/5 = 100 + 6 − 8 = 98; row 2: 100 + 3·(−1−1)/2 − 4·(10−10)/5 = 97
    expect([
      ...predict(
        model,
        frameOf(
          ['a', 'b'],
          [
            [5, 20],
            [-1, 10],
          ],
        ),
      ),
    ]).toEqual([98, 97]);
  });

  it('pca_ridge equals the matrix product intercept + Z·Cᵀ·β on random data', () => {
    const rand = mulberry32(7);
    const p = 6;
    const k = 3;
    const n = 50;
    const means = Array.from({ length: p }, () => 10 * rand());
    const scales = Array.from({ length: p }, () => 0.5 + rand());
    const components = Array.from({ length: k }, () => Array.from({ length: p }, () => rand() - 0.5));
    const coefficients = Array.from({ length: k }, () => 20 * (rand() - 0.5));
    const rows = Array.from({ length: n }, () => Array.from({ length: p }, () => 20 * rand()));
    const names = Array.from({ length: p }, (_, j) => `f${j}`);
    const model: Model = {
      kind: 'pca_ridge',
      feature_columns: names,
      standardisation: { means, scales },
      alpha: 1,
      components,
      intercept: 42,
      coefficients,
    };
    const got = predict(model, frameOf(names, rows));
    // Independent: Z (n×p), S = Z·Cᵀ (n×k), y = 42 + S·β.
    rows.forEach((row, i) => {
      const z = row.map((x, j) => (x - (means[j] as number)) / (scales[j] as number));
      const s = components.map((c) => c.reduce((acc, w, j) => acc + w * (z[j] as number), 0));
      const y = 42 + s.reduce((acc, v, c) => acc + v * (coefficients[c] as number), 0);
      expect(got[i]).toBeCloseTo(y, 10);
    });
  });

  it("refuses a missing value, a feature order other than the model's, and mismatched arrays, each in one line", () => {
    const model: Model = {
      kind: 'ridge',
      feature_columns: ['a', 'b'],
      standardisation: { means: [0, 0], scales: [1, 1] },
      alpha: 1,
      intercept: 0,
      coefficients: [1, 1],
    };
    expect(() =>
      predict(
        model,
        frameOf(
          ['a', 'b'],
          [
            [1, 2],
            [Number.NaN, 2],
          ],
        ),
        'm.json',
      ),
    ).toThrow(/^m\.json: row 1 feature "a" is missing \(NaN\) and a ridge model cannot use it/);
    expect(() => predict(model, frameOf(['b', 'a'], [[1, 2]]), 'm.json')).toThrow(
      /^m\.json: feature 0 is "b" but the model expects "a"/,
    );
    expect(() => predict({ ...model, coefficients: [1] }, frameOf(['a', 'b'], [[1, 2]]), 'm.json')).toThrow(
      EvaluationError,
    );
  });
});

// Two hand-written trees over features x0, x1 (values already shrunk, as the schema says).
//   tree 0: node0 x0 <= 0.5 ? node1 : node2 (missing → right); node1 leaf 1; node2: x1 <= 2 ? node3 : node4 (missing → left); 3 leaf 10; 4 leaf 100
//   tree 1: node0 x1 <= -1 ? node1 : node2 (missing → left); leaves 0.25, -0.5
const handForest: Gbdt = {
  kind: 'gbdt',
  feature_columns: ['x0', 'x1'],
  base_score: 1000,
  learning_rate: 0.1,
  params: {},
  trees: [
    {
      feature: [0, -1, 1, -1, -1],
      threshold: [0.5, 0, 2, 0, 0],
      left: [1, 0, 3, 0, 0],
      right: [2, 0, 4, 0, 0],
      default_left: [false, false, true, false, false],
      value: [0, 1, 0, 10, 100],
    },
    {
      feature: [1, -1, -1],
      threshold: [-1, 0, 0],
      left: [1, 0, 0],
      right: [2, 0, 0],
      default_left: [true, false, false],
      value: [0, 0.25, -0.5],
    },
  ],
};

describe('gbdt', () => {
  it('walks x <= threshold left, NaN by default_left, and adds leaves to base_score', () => {
    const rows = [
      [0.5, 5], // t0: 0.5 <= 0.5 → leaf 1; t1: 5 > −1 → −0.5 ⇒ 1000.5
      [0.6, 2], // t0: right, 2 <= 2 → 10; t1: −0.5 ⇒ 1009.5
      [0.6, 3], // t0: right, 3 > 2 → 100; t1: −0.5 ⇒ 1099.5
      [Number.NaN, Number.NaN], // t0: NaN → right, NaN → left → 10; t1: NaN → left → 0.25 ⇒ 1010.25
      [-3, -1], // t0: 1; t1: −1 <= −1 → 0.25 ⇒ 1001.25
    ];
    expect([...predict(handForest, frameOf(['x0', 'x1'], rows))]).toEqual([1000.5, 1009.5, 1099.5, 1010.25, 1001.25]);
  });

  it('equals a recursive walk over random forests with missing values', () => {
    const rand = mulberry32(11);
    const p = 8;
    const forest = randomForest(rand, p, 40, 15);
    expect(ModelSchema.safeParse(forest).success).toBe(true);
    const rows = Array.from({ length: 300 }, () =>
      Array.from({ length: p }, () => (rand() < 0.1 ? Number.NaN : rand())),
    );
    const got = predict(forest, frameOf(forest.feature_columns, rows));
    rows.forEach((row, i) => {
      const expected = forest.trees.reduce((sum, tree) => sum + walk(tree, 0, row), forest.base_score);
      expect(got[i]).toBe(expected);
    });
  });

  it('equals a recursive walk on a deep chain-like tree (walked with early exit) mixed with shallow ones', () => {
    const rand = mulberry32(5);
    const p = 4;
    const shallow = randomForest(rand, p, 5, 8);
    const deep = randomForest(rand, p, 3, 30, true);
    const forest: Gbdt = { ...shallow, trees: [...shallow.trees, ...deep.trees] };
    const rows = Array.from({ length: 101 }, () =>
      Array.from({ length: p }, () => (rand() < 0.1 ? Number.NaN : rand())),
    );
    const got = predict(forest, frameOf(forest.feature_columns, rows));
    rows.forEach((row, i) =>
      expect(got[i]).toBe(forest.trees.reduce((sum, tree) => sum + walk(tree, 0, row), forest.base_score)),
    );
  });

  it('is bit-identical to a row-by-row walk over blocks of rows, on thresholds hit exactly, ±Infinity and one-leaf trees', () => {
    const rand = mulberry32(23);
    const p = 6;
    const forest = randomForest(rand, p, 60, 31);
    // A tree that is one leaf, and one whose split sends everything but NaN left (threshold +Infinity).
    forest.trees.push(
      { feature: [-1], threshold: [0], left: [0], right: [0], default_left: [false], value: [0.125] },
      {
        feature: [2, -1, -1],
        threshold: [Number.POSITIVE_INFINITY, 0, 0],
        left: [1, 0, 0],
        right: [2, 0, 0],
        default_left: [false, false, false],
        value: [0, -0.3, 0.7],
      },
    );
    const thresholds = forest.trees.flatMap((tree) =>
      tree.threshold.filter((_, k) => (tree.feature[k] as number) >= 0),
    );
    // 5000 rows: two full blocks of the evaluator and a partial one. A third of the values sit exactly on a threshold.
    const rows = Array.from({ length: 5000 }, () =>
      Array.from({ length: p }, () => {
        const u = rand();
        if (u < 0.1) return Number.NaN;
        if (u < 0.12) return rand() < 0.5 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
        if (u < 0.45) return thresholds[Math.floor(rand() * thresholds.length)] as number;
        return rand();
      }),
    );
    const got = compileModel(forest)(frameOf(forest.feature_columns, rows));
    let mismatches = 0;
    rows.forEach((row, i) => {
      // The documented order: base_score, then each tree's leaf in tree order.
      let expected = forest.base_score;
      for (const tree of forest.trees) expected += walk(tree, 0, row);
      if (!Object.is(got[i], expected)) mismatches++;
    });
    expect(mismatches).toBe(0);
    expect(got.length).toBe(5000);
  });

  it('refuses a feature column shorter than the frame', () => {
    const frame = frameOf(['x0', 'x1'], [[1, 2]]);
    const short: FeatureFrame = { ...frame, numRows: 2 };
    expect(() => predict(handForest, short, 'm.json')).toThrow(/^m\.json: feature "x0" has 1 values for 2 rows/);
  });

  it('refuses malformed trees before walking them', () => {
    const cycle: Tree = {
      feature: [0, 0],
      threshold: [1, 1],
      left: [1, 1],
      right: [1, 0],
      default_left: [true, true],
      value: [0, 0],
    };
    const outside: Tree = {
      feature: [5, -1, -1],
      threshold: [1, 0, 0],
      left: [1, 0, 0],
      right: [2, 0, 0],
      default_left: [true, false, false],
      value: [0, 1, 2],
    };
    expect(() => compileModel({ ...handForest, trees: [cycle] }, 'm.json')).toThrow(
      /^m\.json: trees\[0\] (node 1 is the child of two nodes|node 1 has child 0)/,
    );
    expect(() => compileModel({ ...handForest, trees: [outside] }, 'm.json')).toThrow(
      /^m\.json: trees\[0\] node 0 splits on feature 5, outside the 2 feature columns/,
    );
  });
});

/** Independent evaluator: recursion over the JSON arrays as the schema describes them. */
function walk(tree: Tree, node: number, row: number[]): number {
  const f = tree.feature[node] as number;
  if (f === -1) return tree.value[node] as number;
  const x = row[f] as number;
  const goLeft = Number.isNaN(x) ? (tree.default_left[node] as boolean) : x <= (tree.threshold[node] as number);
  return walk(tree, goLeft ? (tree.left[node] as number) : (tree.right[node] as number), row);
}

/** Random trees grown by splitting a random leaf (or, `chain`, always the newest leaf: depth nLeaves − 1). */
function randomForest(rand: () => number, p: number, nTrees: number, nLeaves: number, chain = false): Gbdt {
  const trees = Array.from({ length: nTrees }, () => {
    const tree: Tree = { feature: [-1], threshold: [0], left: [0], right: [0], default_left: [false], value: [0] };
    const leaves = [0];
    while (leaves.length < nLeaves) {
      const leaf = leaves.splice(chain ? leaves.length - 1 : Math.floor(rand() * leaves.length), 1)[0] as number;
      const l = tree.feature.length;
      tree.feature[leaf] = Math.floor(rand() * p);
      tree.threshold[leaf] = rand();
      tree.left[leaf] = l;
      tree.right[leaf] = l + 1;
      tree.default_left[leaf] = rand() < 0.5;
      for (const child of [l, l + 1]) {
        tree.feature[child] = -1;
        tree.threshold[child] = 0;
        tree.left[child] = 0;
        tree.right[child] = 0;
        tree.default_left[child] = false;
        tree.value[child] = rand() - 0.5;
        leaves.push(child);
      }
    }
    return tree;
  });
  return {
    kind: 'gbdt',
    feature_columns: Array.from({ length: p }, (_, j) => `f${j}`),
    base_score: 3.5,
    learning_rate: 0.05,
    params: {},
    trees,
  };
}
