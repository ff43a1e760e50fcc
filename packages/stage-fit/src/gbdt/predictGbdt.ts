import type { GbdtTree, GbdtTrees } from './GbdtModel.js';

/**
 * `base_score + Σ leaf values` for every row of `columns` (one Float64Array per feature, in the model's
 * feature order; NaN = missing). Trees are added one after another in model order, so the sum is formed in
 * the same order as any evaluator that walks trees in order (bit-for-bit equal results).
 */
export function predictGbdt(model: GbdtTrees, columns: readonly Float64Array[]): Float64Array {
  const nRows = columns.length > 0 ? columns[0]!.length : 0;
  for (const c of columns)
    if (c.length !== nRows)
      throw new RangeError(`predictGbdt: feature columns differ in length (${c.length} vs ${nRows})`);
  const out = new Float64Array(nRows).fill(model.base_score);
  for (const tree of model.trees) addTree(tree, columns, out);
  return out;
}

function addTree(tree: GbdtTree, columns: readonly Float64Array[], out: Float64Array): void {
  const feature = Int32Array.from(tree.feature);
  const threshold = Float64Array.from(tree.threshold);
  const left = Int32Array.from(tree.left);
  const right = Int32Array.from(tree.right);
  const defaultLeft = Uint8Array.from(tree.default_left, (b) => (b ? 1 : 0));
  const value = Float64Array.from(tree.value);
  for (const f of feature)
    if (f >= columns.length)
      throw new RangeError(`predictGbdt: a tree splits on feature ${f}, but ${columns.length} columns were given`);
  for (let r = 0; r < out.length; r++) {
    let n = 0;
    let f = feature[0]!;
    while (f >= 0) {
      const x = columns[f]![r]!;
      // biome-ignore lint/suspicious/noSelfCompare: x !== x is the call-free NaN test of this hot loop
      n = (x !== x ? defaultLeft[n] === 1 : x <= threshold[n]!) ? left[n]! : right[n]!;
      f = feature[n]!;
    }
    out[r]! += value[n]!;
  }
}
