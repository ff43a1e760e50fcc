#!/usr/bin/env node
import { setFlagsFromString } from 'node:v8';

// FIT decodes two Parquet inputs once and encodes a few small tables per fold: in a process this short, V8's tier-up
// of parquet-wasm's hot functions to its optimising compiler costs more than it saves (US corn, 12 folds: ~0.3 s CPU
// and ~0.1 s of reading the inputs). The budget is read when the wasm module is instantiated, at the contract's
// import: hence the command is imported only after it is set.
setFlagsFromString('--wasm-tiering-budget=2000000000');
await import('./FitCommand.js');
