import { readFile } from 'node:fs/promises';

// The browser bundle tsup builds from src/client/charts.ts. This module sits at src/ (sources) or dist/ (the build),
// so one path up reaches the package folder either way.
const CHARTS_BUNDLE = new URL('../dist/client/charts.js', import.meta.url);

let bundle: Promise<Uint8Array | undefined> | undefined;

/** The chart script's bytes, read once; undefined when the package was not built. */
export function chartsBundle(): Promise<Uint8Array | undefined> {
  bundle ??= readFile(CHARTS_BUNDLE).then(
    (bytes) => new Uint8Array(bytes),
    () => undefined,
  );
  return bundle;
}
