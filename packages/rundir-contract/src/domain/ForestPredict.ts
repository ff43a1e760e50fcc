import { EvaluationError } from '../errors/ContractError.js';
import type { Model } from '../schemas/JsonArtifacts.js';
import { assertFeatureOrder, type FeatureFrame } from './FeatureFrame.js';

type Gbdt = Extract<Model, { kind: 'gbdt' }>;

/**
 * All trees of a forest in one set of typed arrays, split nodes only: a child reference `c` is a split node when
 * c ≥ 0 and leaf `~c` (= −1 − c) when negative; a tree whose root is a leaf has `roots[t] < 0` too.
 */
interface FlatForest {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float64Array;
  /** 1 where a missing value goes right (default_left false). */
  missingRight: Uint8Array;
  /** `children[2·s]` left, `children[2·s + 1]` right of split node s. */
  children: Int32Array;
  leafValue: Float64Array;
  /** Splits on the longest root-to-leaf path of any tree: bounds the walk's stack. */
  maxDepth: number;
}

/**
 * Rows per block. Each tree partitions the block's rows down its splits (see compileForest), so a split reads one
 * feature column over a contiguous stretch of at most this many rows; 2048 measured fastest of 512…8192.
 */
const BLOCK_ROWS = 2048;

/**
 * The forest evaluator. Rather than walking each row down each tree (a chain of dependent loads per step, and a
 * branch per row on "is this a leaf"), each tree partitions a block's row indices node by node, depth first: at a
 * split, one loop over the node's rows reads one feature column and writes each row index to the front (left) or
 * back (right) of the node's range in the other half of a double buffer, branch-free; at a leaf, its value is added
 * to its rows. Work is proportional to the rows' path lengths, and the split's feature, threshold and missing
 * direction are loop constants, so the missing test costs nothing: with default_left, `x > threshold` is false for
 * NaN (left); otherwise `!(x <= threshold)` is true for NaN (right). Each row's sum is base_score, then the trees'
 * leaves in tree order — the same additions in the same order as a row-by-row walk, so the same bits.
 */
export function compileForest(model: Gbdt, where: string): (frame: FeatureFrame) => Float64Array {
  const forest = flatten(model, where);
  const base = model.base_score;
  return (frame) => {
    assertFeatureOrder(frame, model.feature_columns, where);
    const n = frame.numRows;
    frame.features.forEach((column, j) => {
      if (column.length < n)
        throw new EvaluationError(
          `${where}: feature ${JSON.stringify(frame.featureNames[j])} has ${column.length} values for ${n} rows; build the frame with featureFrameFromTable`,
        );
    });
    const out = new Float64Array(n).fill(base);
    const scratch: Scratch = {
      rows: new Int32Array(2 * BLOCK_ROWS),
      stackNode: new Int32Array(forest.maxDepth + 2),
      stackLo: new Int32Array(forest.maxDepth + 2),
      stackHi: new Int32Array(forest.maxDepth + 2),
      stackHalf: new Int32Array(forest.maxDepth + 2),
    };
    for (let start = 0; start < n; start += BLOCK_ROWS) {
      addTrees(forest, frame.features, start, Math.min(BLOCK_ROWS, n - start), scratch, out);
    }
    return out;
  };
}

/**
 * Buffers of one evaluation. `rows`: the row indices of the node being split sit in one half, its children's go to
 * the other half. The stack (node, rows lo..hi, half) holds at most one pending sibling per depth, plus the root.
 */
interface Scratch {
  rows: Int32Array;
  stackNode: Int32Array;
  stackLo: Int32Array;
  stackHi: Int32Array;
  stackHalf: Int32Array;
}

/**
 * Adds every tree's leaf value to `out[i]` for the `count` rows from `start`, tree by tree. Plain functions of their
 * arguments (not closures over the forest), so V8 optimises one copy for every compiled model.
 */
function addTrees(
  forest: FlatForest,
  columns: readonly Float64Array[],
  start: number,
  count: number,
  scratch: Scratch,
  out: Float64Array,
): void {
  const { roots, feature, threshold, missingRight, leafValue } = forest;
  const { rows, stackNode, stackLo, stackHi, stackHalf } = scratch;
  for (let t = 0; t < roots.length; t++) {
    const root = roots[t] as number;
    if (root < 0) {
      const value = leafValue[~root] as number;
      for (let i = start; i < start + count; i++) out[i] = (out[i] as number) + value;
      continue;
    }
    // The root splits the block's rows straight from their index range into the upper half of `rows`.
    const rootMid = splitRange(
      rows,
      columns[feature[root] as number] as Float64Array,
      threshold[root] as number,
      missingRight[root] as number,
      start,
      count,
    );
    let sp = pushChildren(forest, scratch, 0, root, 0, rootMid, count, BLOCK_ROWS);
    while (sp > 0) {
      sp--;
      const node = stackNode[sp] as number;
      const from = stackHalf[sp] as number;
      const lo = stackLo[sp] as number;
      const hi = stackHi[sp] as number;
      if (node < 0) {
        const value = leafValue[~node] as number;
        for (let k = from + lo; k < from + hi; k++) {
          const i = rows[k] as number;
          out[i] = (out[i] as number) + value;
        }
        continue;
      }
      const to = BLOCK_ROWS - from;
      const column = columns[feature[node] as number] as Float64Array;
      const split = threshold[node] as number;
      // Each row is written at both ends and one end advances: no branch for a random split to mispredict.
      let left = to + lo;
      let right = to + hi - 1;
      if (missingRight[node] === 0) {
        for (let k = from + lo; k < from + hi; k++) {
          const i = rows[k] as number;
          const goRight = +((column[i] as number) > split);
          rows[left] = i;
          rows[right] = i;
          left += 1 - goRight;
          right -= goRight;
        }
      } else {
        for (let k = from + lo; k < from + hi; k++) {
          const i = rows[k] as number;
          const goRight = +!((column[i] as number) <= split);
          rows[left] = i;
          rows[right] = i;
          left += 1 - goRight;
          right -= goRight;
        }
      }
      sp = pushChildren(forest, scratch, sp, node, lo, left - to, hi, to);
    }
  }
}

/** The root's split of rows start … start + count − 1 into rows[BLOCK_ROWS …]: returns how many went left. */
function splitRange(
  rows: Int32Array,
  column: Float64Array,
  split: number,
  missingRight: number,
  start: number,
  count: number,
): number {
  let left = BLOCK_ROWS;
  let right = BLOCK_ROWS + count - 1;
  if (missingRight === 0) {
    for (let i = start; i < start + count; i++) {
      const goRight = +((column[i] as number) > split);
      rows[left] = i;
      rows[right] = i;
      left += 1 - goRight;
      right -= goRight;
    }
  } else {
    for (let i = start; i < start + count; i++) {
      const goRight = +!((column[i] as number) <= split);
      rows[left] = i;
      rows[right] = i;
      left += 1 - goRight;
      right -= goRight;
    }
  }
  return left - BLOCK_ROWS;
}

/**
 * Pushes the children of split `node` whose rows lo … mid − 1 went left and mid … hi − 1 right, in half `half` of
 * `rows` (an empty side is skipped), the left one on top; returns the new stack size.
 */
function pushChildren(
  forest: FlatForest,
  scratch: Scratch,
  sp: number,
  node: number,
  lo: number,
  mid: number,
  hi: number,
  half: number,
): number {
  const { stackNode, stackLo, stackHi, stackHalf } = scratch;
  if (mid < hi) {
    stackNode[sp] = forest.children[2 * node + 1] as number;
    stackLo[sp] = mid;
    stackHi[sp] = hi;
    stackHalf[sp] = half;
    sp++;
  }
  if (mid > lo) {
    stackNode[sp] = forest.children[2 * node] as number;
    stackLo[sp] = lo;
    stackHi[sp] = mid;
    stackHalf[sp] = half;
    sp++;
  }
  return sp;
}

/**
 * Concatenates the trees, checking what makes a walk terminate and stay inside the arrays: parallel arrays of one
 * length, split features inside the feature list, a threshold at every split, children inside the tree other than
 * node 0, each node the child of at most one parent (so every walk from node 0 follows a tree and ends at a leaf).
 */
function flatten(model: Gbdt, where: string): FlatForest {
  const p = model.feature_columns.length;
  let splits = 0;
  let leaves = 0;
  for (const tree of model.trees) {
    for (const f of tree.feature) {
      if (f < 0) leaves++;
      else splits++;
    }
  }
  const forest: FlatForest = {
    roots: new Int32Array(model.trees.length),
    feature: new Int32Array(splits),
    threshold: new Float64Array(splits),
    missingRight: new Uint8Array(splits),
    children: new Int32Array(2 * splits),
    leafValue: new Float64Array(leaves),
    maxDepth: 0,
  };
  let nextSplit = 0;
  let nextLeaf = 0;
  model.trees.forEach((tree, t) => {
    const n = tree.feature.length;
    const bad = (problem: string): EvaluationError =>
      new EvaluationError(`${where}: trees[${t}] ${problem}; refit (commodity-hindcast run fit)`);
    if (n === 0) throw bad('has no node');
    for (const field of ['threshold', 'left', 'right', 'default_left', 'value'] as const) {
      if (tree[field].length !== n) throw bad(`has ${tree[field].length} "${field}" entries for ${n} nodes`);
    }
    // Node k of this tree as a flat reference: a split index, or ~leaf index.
    const ref = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const f = tree.feature[k] as number;
      if (f < 0) {
        forest.leafValue[nextLeaf] = tree.value[k] as number;
        ref[k] = ~nextLeaf++;
        continue;
      }
      if (!Number.isInteger(f) || f >= p)
        throw bad(`node ${k} splits on feature ${f}, outside the ${p} feature columns`);
      if (Number.isNaN(tree.threshold[k])) throw bad(`node ${k} has no threshold`);
      ref[k] = nextSplit++;
    }
    const hasParent = new Uint8Array(n);
    for (let k = 0; k < n; k++) {
      const s = ref[k] as number;
      if (s < 0) continue;
      for (const child of [tree.left[k] as number, tree.right[k] as number]) {
        if (!Number.isInteger(child) || child <= 0 || child >= n)
          throw bad(`node ${k} has child ${child}, outside [1, ${n})`);
        if (hasParent[child] === 1) throw bad(`node ${child} is the child of two nodes`);
        hasParent[child] = 1;
      }
      forest.feature[s] = tree.feature[k] as number;
      forest.threshold[s] = tree.threshold[k] as number;
      forest.missingRight[s] = tree.default_left[k] ? 0 : 1;
      forest.children[2 * s] = ref[tree.left[k] as number] as number;
      forest.children[2 * s + 1] = ref[tree.right[k] as number] as number;
    }
    forest.roots[t] = ref[0] as number;
    forest.maxDepth = Math.max(forest.maxDepth, treeDepth(tree.left, tree.right, tree.feature));
  });
  return forest;
}

/** Splits from node 0 to the deepest leaf (iterative: a leaf-wise tree may be deep). */
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
