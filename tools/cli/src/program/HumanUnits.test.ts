import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatTable, formatYears } from './HumanUnits.js';

describe('human units', () => {
  it('groups counts by thousands', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('scales bytes by 1,024', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1024)).toBe('1.0 KB');
    expect(formatBytes(14.3 * 1024)).toBe('14.3 KB');
    expect(formatBytes(2.1 * 1024 * 1024)).toBe('2.1 MB');
  });

  it('shows a year range and the number of seasons in it', () => {
    expect(formatYears([1997, 1995, 1996])).toBe('1995-1997 (3 seasons)');
    expect(formatYears([2001, 2010])).toBe('2001-2010 (2 seasons)');
    expect(formatYears([2019])).toBe('2019 (1 season)');
    expect(formatYears([])).toBe('none');
  });

  it('formats durations and aligned tables', () => {
    expect(formatDuration(410.4)).toBe('410 ms');
    expect(formatDuration(3240)).toBe('3.2 s');
    expect(
      formatTable([
        ['fit', '/a'],
        ['metadata', '/b'],
      ]),
    ).toBe('  fit       /a\n  metadata  /b');
  });
});
