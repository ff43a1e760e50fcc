/** Numbers as a summary line shows them. */

/** `1,234,567` — grouping makes row counts readable at a glance, and is the same on every machine. */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `812 B`, `14.3 KB`, `2.1 MB` (1 KB = 1,024 bytes). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `1995-2024 (30 seasons)`, `2001-2010 (8 seasons)` when some are missing, `2019 (1 season)`, `none`. */
export function formatYears(years: readonly number[]): string {
  if (years.length === 0) return 'none';
  const sorted = [...years].sort((a, b) => a - b);
  const first = sorted[0] as number;
  const last = sorted[sorted.length - 1] as number;
  const count = `${years.length} season${years.length === 1 ? '' : 's'}`;
  return first === last ? `${first} (${count})` : `${first}-${last} (${count})`;
}

/** `3.2 s`, `410 ms`. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** Label/value lines with the values aligned: `  fit       /d/features/…`. */
export function formatTable(rows: readonly (readonly [string, string])[], indent = '  '): string {
  const width = Math.max(0, ...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`).join('\n');
}
