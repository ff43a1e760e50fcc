/**
 * Strings already made for a byte range, found by hashing the bytes (open addressing, linear probing). Gives up
 * (finds nothing more) once the column looks mostly distinct, where sharing would not pay for the hashing.
 */
export class RepeatedStrings {
  private readonly starts: Float64Array;
  private readonly ends: Float64Array;
  private readonly strings: string[];
  private readonly mask: number;
  private size = 0;
  private slot = 0;
  private enabled = true;

  constructor(
    private readonly bytes: Uint8Array,
    rows: number,
  ) {
    const capacity = 2 ** Math.min(16, Math.ceil(Math.log2(2 * rows + 2)));
    this.mask = capacity - 1;
    this.starts = new Float64Array(capacity).fill(-1);
    this.ends = new Float64Array(capacity);
    this.strings = new Array<string>(capacity);
  }

  find(from: number, to: number): string | undefined {
    if (!this.enabled) return undefined;
    const bytes = this.bytes;
    let hash = 0x811c9dc5; // FNV-1a
    for (let k = from; k < to; k++) hash = Math.imul(hash ^ (bytes[k] as number), 0x01000193);
    let slot = (hash ^ (hash >>> 15)) & this.mask;
    const length = to - from;
    for (;;) {
      const start = this.starts[slot] as number;
      if (start === -1) break;
      if ((this.ends[slot] as number) - start === length) {
        let k = 0;
        while (k < length && bytes[start + k] === bytes[from + k]) k++;
        if (k === length) return this.strings[slot];
      }
      slot = (slot + 1) & this.mask;
    }
    this.slot = slot;
    return undefined;
  }

  /** Stores the string for the range the last unsuccessful `find` looked up. */
  remember(from: number, to: number, value: string): void {
    if (!this.enabled) return;
    this.starts[this.slot] = from;
    this.ends[this.slot] = to;
    this.strings[this.slot] = value;
    this.size++;
    if (2 * this.size > this.mask) this.enabled = false;
  }
}
