"""LightGBM on the benchmark's data: python3 lightgbm_ref.py DATA_DIR THREADS -> one JSON line.

Times Dataset construction (binning) plus training, as the TypeScript side times binning plus training.
"""
import json
import sys
import time

import lightgbm as lgb
import numpy as np

data_dir, threads = sys.argv[1], int(sys.argv[2])
meta = json.load(open(f"{data_dir}/meta.json"))
n_train, n_test, n_features = meta["n_train"], meta["n_test"], meta["n_features"]
x_train = np.fromfile(f"{data_dir}/x_train.f64", dtype=np.float64).reshape(n_train, n_features)
y_train = np.fromfile(f"{data_dir}/y_train.f64", dtype=np.float64)
x_test = np.fromfile(f"{data_dir}/x_test.f64", dtype=np.float64).reshape(n_test, n_features)
y_test = np.fromfile(f"{data_dir}/y_test.f64", dtype=np.float64)
params = {
    "objective": "regression",
    "num_leaves": meta["num_leaves"],
    "max_bin": meta["max_bin"],
    "learning_rate": meta["learning_rate"],
    "min_data_in_leaf": meta["min_data_in_leaf"],
    "lambda_l2": 0.0,
    "num_threads": threads,
    "verbose": -1,
    "seed": 1,
    "deterministic": True,
}
wall0, cpu0 = time.perf_counter(), time.process_time()
ds = lgb.Dataset(x_train, label=y_train, params={"max_bin": meta["max_bin"], "verbose": -1})
booster = lgb.train(params, ds, num_boost_round=meta["rounds"])
wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
pred = booster.predict(x_test, num_threads=threads)
rmse = float(np.sqrt(np.mean((pred - y_test) ** 2)))
print(json.dumps({"version": lgb.__version__, "threads": threads, "wall_s": wall, "cpu_s": cpu, "rmse": rmse}))
