// Times the contract's model evaluation (domain `predict`) on a GBDT of 300 trees × 31 leaves over 100,000 rows ×
// 40 features (10% missing), plus ridge and pca_ridge on the same frame. Prints the median of 5 runs after a
// warm-up (wall and CPU time) and the load average; the goal (issue 9) is under 0.5 s for the forest. Nothing here asserts a time.
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

const domain = await import(process.env.CONTRACT_DOMAIN_MODULE ?? '@commodity-hindcast/rundir-contract/domain');
const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const P = 40;
const TREES = 300;
const LEAVES = 31;

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(1);

// Random leaf-wise trees: split a random leaf until the tree has LEAVES leaves (30 splits, 61 nodes).
function randomTree() {
  const tree = { feature: [-1], threshold: [0], left: [0], right: [0], default_left: [false], value: [0] };
  const leaves = [0];
  while (leaves.length < LEAVES) {
    const leaf = leaves.splice(Math.floor(rand() * leaves.length), 1)[0];
    const l = tree.feature.length;
    tree.feature[leaf] = Math.floor(rand() * P);
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
      tree.value[child] = 0.05 * (rand() - 0.5);
      leaves.push(child);
    }
  }
  return tree;
}

const names = Array.from({ length: P }, (_, j) => `f${j}`);
const gbdt = {
  kind: 'gbdt',
  feature_columns: names,
  base_score: 0,
  learning_rate: 0.05,
  params: {},
  trees: Array.from({ length: TREES }, randomTree),
};
const standardisation = { means: names.map(() => 0.5), scales: names.map(() => 0.29) };
const ridge = {
  kind: 'ridge',
  feature_columns: names,
  standardisation,
  alpha: 1,
  intercept: 10,
  coefficients: names.map(() => rand()),
};
const pca = {
  kind: 'pca_ridge',
  feature_columns: names,
  standardisation,
  alpha: 1,
  intercept: 10,
  components: [0, 1, 2, 3, 4].map(() => names.map(() => rand() - 0.5)),
  coefficients: [1, 2, 3, 4, 5],
};
const features = names.map(() => Float64Array.from({ length: ROWS }, () => (rand() < 0.1 ? Number.NaN : rand())));
const frame = {
  numRows: ROWS,
  year: new Int32Array(ROWS),
  geoIdentifier: new Array(ROWS).fill('ADM0:USA'),
  initDate: new Int32Array(ROWS),
  featureNames: names,
  features,
};
const filled = { ...frame, features: features.map((x) => x.map((v) => (Number.isNaN(v) ? 0.5 : v))) };

// Wall time and this process's CPU time: on a shared machine the CPU time is the steadier of the two.
function time(label, fn) {
  fn();
  const walls = [];
  const cpus = [];
  for (let r = 0; r < 5; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    walls.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpus.push((c.user + c.system) / 1000);
  }
  const median = (xs) => xs.sort((a, b) => a - b)[2] / 1000;
  const min = (xs) => Math.min(...xs) / 1000;
  console.log(
    `${label.padEnd(46)} wall median ${median(walls).toFixed(3)} s (min ${min(walls).toFixed(3)}), cpu median ${median(cpus).toFixed(3)} s (min ${min(cpus).toFixed(3)})`,
  );
}

console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
const t0 = performance.now();
const predictor = domain.compileModel(gbdt);
console.log(`gbdt compile (flatten ${TREES} trees)`.padEnd(46), `${((performance.now() - t0) / 1000).toFixed(3)} s`);
time(`gbdt ${TREES}×${LEAVES} leaves, ${ROWS}×${P} (compiled)`, () => predictor(frame));
time(`gbdt ${TREES}×${LEAVES} leaves, ${ROWS}×${P} (predict)`, () => domain.predict(gbdt, frame));
time(`ridge ${ROWS}×${P}`, () => domain.predict(ridge, filled));
time(`pca_ridge (5 components) ${ROWS}×${P}`, () => domain.predict(pca, filled));
console.log(
  `load average after:  ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
