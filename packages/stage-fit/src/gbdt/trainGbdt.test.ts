import { predict } from '@commodity-hindcast/rundir-contract/domain';
import { ModelSchema } from '@commodity-hindcast/rundir-contract/schemas';
import { Matrix, solve } from 'ml-matrix';
import { describe, expect, it, vi } from 'vitest';
import { gbdtModelJson, predictGbdt, trainGbdt } from './index.js';
import { HistogramThreads } from './internal/HistogramThreads.js';

function uniform(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

/** y = sin(3·x0) + x1² + 2·[x2 > 0] + noise, x ∈ [−1, 1]³ plus 2 pure-noise features. */
function nonlinear(n: number, seed: number, noise = 0.1) {
  const u = uniform(seed);
  const X = Array.from({ length: 5 }, () => new Float64Array(n));
  const y = new Float64Array(n);
  const truth = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (const c of X) c[i] = 2 * u() - 1;
    truth[i] = Math.sin(3 * X[0]![i]!) + X[1]![i]! ** 2 + (X[2]![i]! > 0 ? 2 : 0);
    y[i] = truth[i]! + noise * (u() - 0.5);
  }
  return { X, y, truth };
}

function rmse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
}

/** Least squares with intercept by the normal equations (ml-matrix), as the linear baseline. */
function linearFit(X: Float64Array[], y: Float64Array, Xt: Float64Array[]): Float64Array {
  const design = (cols: Float64Array[]) =>
    new Matrix(cols[0]!.length, cols.length + 1).apply(function (this: Matrix, i, j) {
      this.set(i, j, j === 0 ? 1 : cols[j - 1]![i]!);
    });
  const A = design(X);
  const beta = solve(A.transpose().mmul(A), A.transpose().mmul(Matrix.columnVector(Array.from(y))));
  return Float64Array.from(design(Xt).mmul(beta).getColumn(0));
}

const small = { n_estimators: 200, learning_rate: 0.1, num_leaves: 15, min_data_in_leaf: 10, early_stopping_rounds: 0 };

describe('trainGbdt', () => {
  it('fits a known nonlinear function far better than constant and linear baselines on held-out rows', () => {
    const train = nonlinear(4000, 1);
    const test = nonlinear(2000, 2);
    const model = trainGbdt(train.X, train.y, small);
    const pred = predictGbdt(model, test.X);
    const mean = train.y.reduce((s, v) => s + v, 0) / train.y.length;
    const constant = rmse(new Float64Array(test.y.length).fill(mean), test.truth);
    const linear = rmse(linearFit(train.X, train.y, test.X), test.truth);
    const gbdt = rmse(pred, test.truth);
    expect(model.base_score).toBeCloseTo(mean, 12);
    expect(linear).toBeLessThan(constant);
    expect(gbdt).toBeLessThan(0.25 * linear);
    expect(gbdt).toBeLessThan(0.15); // the signal's spread is ~1.3
  });

  it('learns where missing values go: with the side whose targets they share', () => {
    // y = 0 when x0 <= 0, 10 when x0 > 0; a missing x0 has y = 0 in one dataset and 10 in the other.
    for (const missingY of [0, 10]) {
      const u = uniform(3);
      const n = 2000;
      const x0 = new Float64Array(n);
      const x1 = new Float64Array(n);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        x1[i] = u();
        if (i % 5 === 0) {
          x0[i] = NaN;
          y[i] = missingY;
        } else {
          x0[i] = 2 * u() - 1;
          y[i] = x0[i]! > 0 ? 10 : 0;
        }
      }
      const model = trainGbdt([x0, x1], y, { ...small, n_estimators: 50 });
      const root = model.trees[0]!;
      expect(root.feature[0]).toBe(0);
      expect(root.threshold[0]).toBeGreaterThan(-0.02);
      expect(root.threshold[0]).toBeLessThan(0.02);
      expect(root.default_left[0]).toBe(missingY === 0);
      const [atMissing] = predictGbdt(model, [Float64Array.of(NaN), Float64Array.of(0.5)]);
      expect(atMissing).toBeCloseTo(missingY, 1);
    }
  });

  it('isolates the missing rows when missingness itself is the signal', () => {
    const u = uniform(4);
    const n = 1000;
    const x0 = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? NaN : u()));
    const y = Float64Array.from(x0, (v) => (Number.isNaN(v) ? 5 : 1));
    const model = trainGbdt([x0], y, { ...small, n_estimators: 1, learning_rate: 1 });
    const root = model.trees[0]!;
    expect(root.threshold[0]).toBe(Number.MAX_VALUE);
    expect(root.default_left[0]).toBe(false);
    expect(Array.from(predictGbdt(model, [Float64Array.of(NaN, 0.3, 1e300)]))).toEqual([5, 1, 1]);
  });

  it('is deterministic for a seed (row and feature subsampling included) and the same with worker threads', () => {
    const { X, y } = nonlinear(12_000, 5);
    const params = { ...small, n_estimators: 15, subsample: 0.7, colsample_bytree: 0.6, seed: 42 };
    const a = trainGbdt(X, y, params);
    const b = trainGbdt(X, y, params);
    const workers = trainGbdt(X, y, params, { jobs: 2 });
    const other = trainGbdt(X, y, { ...params, seed: 43 });
    expect(b.trees).toEqual(a.trees);
    expect(workers.trees).toEqual(a.trees);
    expect(other.trees).not.toEqual(a.trees);
  });

  it('gives the same trees with 2 threads without subsampling (kept root counts) and with validation rows', () => {
    const { X, y } = nonlinear(12_000, 8);
    const validRows = Array.from({ length: 2_000 }, (_, i) => 3 * i + 1);
    const params = { ...small, n_estimators: 12, early_stopping_rounds: 3 };
    const one = trainGbdt(X, y, params, { validRows });
    const two = trainGbdt(X, y, params, { validRows, jobs: 2 });
    expect(two.trees).toEqual(one.trees);
    expect(two.valid_rmse).toEqual(one.valid_rmse);
    expect(trainGbdt(X, y, params, { jobs: 2 }).trees).toEqual(trainGbdt(X, y, params).trees);
  });

  it('stops its worker threads when training fails midway', async () => {
    const { X, y } = nonlinear(12_000, 9);
    const step = HistogramThreads.prototype.step;
    let calls = 0;
    const failing = vi.spyOn(HistogramThreads.prototype, 'step').mockImplementation(function (
      this: HistogramThreads,
      ...args: Parameters<HistogramThreads['step']>
    ) {
      if (++calls === 40) throw new Error('injected failure');
      step.apply(this, args);
    });
    const close = vi.spyOn(HistogramThreads.prototype, 'close');
    try {
      expect(() => trainGbdt(X, y, { ...small, n_estimators: 20 }, { jobs: 2 })).toThrow(/injected failure/);
      expect(calls).toBe(40);
      expect(close).toHaveBeenCalledTimes(1);
      await expect(close.mock.results[0]!.value).resolves.toBeUndefined(); // every worker thread has exited
    } finally {
      failing.mockRestore();
      close.mockRestore();
    }
  });

  it('gives the same trees with 3 threads (13 features, missing values)', () => {
    const { X, y } = nonlinear(9_000, 6);
    const u = uniform(7);
    const wide = [...X, ...X.map((c) => Float64Array.from(c, (v) => (u() < 0.1 ? NaN : v * u()))), X[0]!, X[1]!, X[2]!];
    const params = { ...small, n_estimators: 8 };
    expect(trainGbdt(wide, y, params, { jobs: 3 }).trees).toEqual(trainGbdt(wide, y, params).trees);
  });

  it('stops early at the best validation round and keeps exactly those trees', () => {
    // Few noisy training rows, deep trees, high learning rate: validation RMSE turns upward.
    const { X, y } = nonlinear(600, 6, 3);
    const validRows = Array.from({ length: 200 }, (_, i) => 400 + i);
    const model = trainGbdt(
      X,
      y,
      { n_estimators: 400, learning_rate: 0.3, num_leaves: 31, min_data_in_leaf: 2, early_stopping_rounds: 10 },
      { validRows },
    );
    const best = model.valid_rmse.indexOf(Math.min(...model.valid_rmse)) + 1;
    expect(model.best_iteration).toBe(best);
    expect(model.trees.length).toBe(best);
    expect(model.rounds).toBe(best + 10);
    expect(model.rounds).toBeLessThan(400);
    // The kept trees, evaluated on raw values, reproduce the best validation RMSE.
    const pred = predictGbdt(
      model,
      X.map((c) => c.subarray(400)),
    );
    expect(rmse(pred, y.subarray(400))).toBeCloseTo(model.valid_rmse[best - 1]!, 10);
  });

  it('raw thresholds route rows exactly as the binned trainer did (training RMSE reproduced)', () => {
    const { X, y } = nonlinear(3000, 7);
    X[3] = Float64Array.from(X[3]!, (v, i) => (i % 7 === 0 ? NaN : Math.round(v * 5))); // ties and missing values
    const model = trainGbdt(X, y, { ...small, n_estimators: 40 });
    expect(rmse(predictGbdt(model, X), y)).toBeCloseTo(model.train_rmse.at(-1)!, 12);
  });

  it('respects num_leaves, max_depth and min_data_in_leaf', () => {
    const { X, y } = nonlinear(3000, 8);
    const model = trainGbdt(X, y, { ...small, n_estimators: 5, num_leaves: 31, max_depth: 3, min_data_in_leaf: 100 });
    for (const tree of model.trees) {
      const leaves = tree.feature.filter((f) => f < 0).length;
      expect(leaves).toBeLessThanOrEqual(8);
      const depth = (n: number): number =>
        tree.feature[n]! < 0 ? 0 : 1 + Math.max(depth(tree.left[n]!), depth(tree.right[n]!));
      expect(depth(0)).toBeLessThanOrEqual(3);
    }
    // Every leaf of the first tree holds >= 100 training rows: count by routing.
    const tree = model.trees[0]!;
    const counts = new Map<number, number>();
    for (let r = 0; r < y.length; r++) {
      let n = 0;
      while (tree.feature[n]! >= 0) n = X[tree.feature[n]!]![r]! <= tree.threshold[n]! ? tree.left[n]! : tree.right[n]!;
      counts.set(n, (counts.get(n) ?? 0) + 1);
    }
    for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(100);
  });

  it('writes a model.json the contract accepts', () => {
    const { X, y } = nonlinear(500, 9);
    const model = trainGbdt(X, y, { ...small, n_estimators: 3 });
    const json = gbdtModelJson(model, ['a', 'b', 'c', 'd', 'e']);
    expect(ModelSchema.parse(JSON.parse(JSON.stringify(json)))).toEqual(json);
  });

  it("model.json through the contract's evaluator equals predictGbdt bit for bit (missing values included)", () => {
    const { X, y } = nonlinear(3000, 10);
    X[4] = Float64Array.from(X[4]!, (v, i) => (i % 6 === 0 ? NaN : v));
    const model = trainGbdt(X, y, { ...small, n_estimators: 60, subsample: 0.8, colsample_bytree: 0.8 });
    const names = ['a', 'b', 'c', 'd', 'e'];
    const json = ModelSchema.parse(JSON.parse(JSON.stringify(gbdtModelJson(model, names))));
    const n = y.length;
    const frame = {
      numRows: n,
      year: new Int32Array(n),
      geoIdentifier: new Array<string>(n).fill('x'),
      initDate: new Int32Array(n),
      featureNames: names,
      features: X,
    };
    expect(Array.from(predict(json, frame))).toEqual(Array.from(predictGbdt(model, X)));
  });

  it('names the bad field', () => {
    const X = [Float64Array.of(1, 2, 3)];
    expect(() => trainGbdt(X, Float64Array.of(1, NaN, 3))).toThrow('trainGbdt: y[1] is NaN; the target must be finite');
    expect(() => trainGbdt(X, Float64Array.of(1, 2, 3), { num_leaves: 1 })).toThrow(
      'params.num_leaves must be an integer >= 2, got 1',
    );
    expect(() => trainGbdt(X, Float64Array.of(1, 2))).toThrow('feature column 0 has 3 rows, y has 2');
  });
});
