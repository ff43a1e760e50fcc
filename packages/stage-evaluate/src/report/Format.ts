/** Numbers as people read them: thousands separators, a fixed number of decimals, a dash for a missing value. */
export function formatNumber(value: number | null | undefined, decimals = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A signed number (`+1.2`, `−0.4`). */
export function formatSigned(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const text = formatNumber(Math.abs(value), decimals);
  return value > 0 ? `+${text}` : value < 0 && text !== formatNumber(0, decimals) ? `−${text}` : text;
}

export function formatPct(value: number | null | undefined, decimals = 1): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : `${formatNumber(value, decimals)} %`;
}

/** The display label of a delivery unit. */
export function unitLabel(unit: 'bu_acre' | 'lbs_acre'): string {
  return unit === 'bu_acre' ? 'bu/ac' : 'lb/ac';
}

export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function monthName(month: number): string {
  return MONTHS[month - 1] ?? String(month);
}

/** `2018-07-29` → `29 Jul 2018`; without the year when `withYear` is false. */
export function formatDate(iso: string, withYear = true): string {
  const [y, m, d] = iso.split('-');
  return `${Number(d)} ${monthName(Number(m))}${withYear ? ` ${y}` : ''}`;
}
