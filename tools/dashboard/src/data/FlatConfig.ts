/** A config as dotted paths and display values (`experiment_protocol.test_years` → `2018, 2019`), sorted by path. */
export function flattenConfig(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (v: unknown, path: string): void => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const entries = Object.entries(v as Record<string, unknown>);
      if (entries.length === 0) out.set(path, '{}');
      for (const [k, child] of entries) visit(child, path ? `${path}.${k}` : k);
    } else if (Array.isArray(v) && v.some((x) => x !== null && typeof x === 'object')) {
      if (v.length === 0) out.set(path, '[]');
      v.forEach((child, i) => {
        visit(child, `${path}[${i}]`);
      });
    } else {
      out.set(path, Array.isArray(v) ? v.map(String).join(', ') : String(v));
    }
  };
  visit(value, prefix);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The paths whose values differ between two flattened configs (present in either), in path order. */
export function configDifferences(
  a: ReadonlyMap<string, string>,
  b: ReadonlyMap<string, string>,
): { path: string; a?: string; b?: string }[] {
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.flatMap((path) => {
    const left = a.get(path);
    const right = b.get(path);
    return left === right
      ? []
      : [{ path, ...(left === undefined ? {} : { a: left }), ...(right === undefined ? {} : { b: right }) }];
  });
}
