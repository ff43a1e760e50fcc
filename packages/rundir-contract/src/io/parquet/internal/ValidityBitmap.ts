import type { Data } from 'apache-arrow';

/** Arrow's validity bitmap (bit set = valid) of a null mask (byte 1 = null), eight rows a byte; none without nulls. */
export function validityOfMask(mask: Uint8Array): { nullBitmap: Uint8Array | undefined; nullCount: number } {
  const n = mask.length;
  const nullBitmap = new Uint8Array((n + 7) >> 3);
  let nullCount = 0;
  const whole = n >> 3;
  for (let b = 0; b < whole; b++) {
    const i = b << 3;
    // Masks are validated to hold 0 or 1, so each byte's lowest bit is its null flag.
    const nulls =
      (mask[i] as number) |
      ((mask[i + 1] as number) << 1) |
      ((mask[i + 2] as number) << 2) |
      ((mask[i + 3] as number) << 3) |
      ((mask[i + 4] as number) << 4) |
      ((mask[i + 5] as number) << 5) |
      ((mask[i + 6] as number) << 6) |
      ((mask[i + 7] as number) << 7);
    nullBitmap[b] = ~nulls & 0xff;
    nullCount += POPCOUNT[nulls] as number;
  }
  for (let i = whole << 3; i < n; i++) {
    if (mask[i] === 1) nullCount++;
    else setBit(nullBitmap, i);
  }
  return nullCount === 0 ? { nullBitmap: undefined, nullCount: 0 } : { nullBitmap, nullCount };
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, byte) => {
  let bits = 0;
  for (let v = byte; v > 0; v >>= 1) bits += v & 1;
  return bits;
});

export function setBit(bitmap: Uint8Array, i: number): void {
  bitmap[i >> 3] = (bitmap[i >> 3] as number) | (1 << (i & 7));
}

/** The chunk's validity bitmap when it has nulls (indexed from `chunk.offset`), else undefined: all rows valid. */
export function nullsOf(chunk: Data): Uint8Array | undefined {
  const bitmap = chunk.nullBitmap as Uint8Array | undefined;
  return bitmap && bitmap.length > 0 && chunk.nullCount > 0 ? bitmap : undefined;
}

export function isValid(chunk: Data, i: number): boolean {
  return isSet(nullsOf(chunk), chunk.offset + i);
}

export function isSet(bitmap: Uint8Array | undefined, bit: number): boolean {
  return bitmap === undefined || ((bitmap[bit >> 3] as number) & (1 << (bit & 7))) !== 0;
}
