/**
 * A seeded pseudo-random generator: xoshiro128** (Blackman & Vigna) seeded through splitmix32, with
 * uniform, normal (Marsaglia polar) and gamma (Marsaglia–Tsang) draws.
 *
 * Only 32-bit integer operations (`Math.imul`, shifts) produce the bits, so the stream is identical on every
 * platform; the continuous draws use `Math.sqrt` (exact in IEEE 754) and `Math.log`/`Math.pow`, which V8
 * computes with its own fdlibm port rather than the C library, so a given Node major gives the same doubles
 * on every OS and CPU.
 *
 * Streams are named: `Prng.stream(seed, 'weather/state/19')` derives an independent generator from the seed
 * and a key, so each part of the data set draws from its own stream and adding one part (another state, a
 * county) does not shift the numbers of the others.
 */
export class Prng {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spareNormal = 0;
  private hasSpareNormal = false;

  /** A generator whose state is the four given 32-bit words (not all zero), as in the reference C code. */
  constructor(state: readonly [number, number, number, number]) {
    this.s0 = state[0] | 0;
    this.s1 = state[1] | 0;
    this.s2 = state[2] | 0;
    this.s3 = state[3] | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) {
      throw new RangeError('Prng: the xoshiro128** state must not be all zero; seed it with Prng.stream(seed, key)');
    }
  }

  /** An independent generator for `key` under `seed`; equal (seed, key) pairs give equal streams. */
  static stream(seed: number, key: string): Prng {
    if (!Number.isSafeInteger(seed)) {
      throw new RangeError(`Prng.stream: expected an integer seed, got ${String(seed)}`);
    }
    // Fold the seed's high and low 32-bit halves and an FNV-1a hash of the key into one splitmix32 start.
    let h = 0x811c9dc5;
    for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
    const high = Math.floor(seed / 0x1_0000_0000);
    let x = (h ^ Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(high >>> 0, 0x85ebca77)) >>> 0;
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      words.push(splitmix32(x));
    }
    // splitmix32 is a bijection and its four inputs differ, so at most one word is zero: the state is valid.
    return new Prng(words as [number, number, number, number]);
  }

  /** The next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A standard normal draw (Marsaglia's polar method; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.hasSpareNormal) {
      this.hasSpareNormal = false;
      return this.spareNormal;
    }
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) {
        const f = Math.sqrt((-2 * Math.log(s)) / s);
        this.spareNormal = v * f;
        this.hasSpareNormal = true;
        return u * f;
      }
    }
  }

  /** A gamma draw with shape `k` > 0 and scale `theta` > 0 (mean k·θ, variance k·θ²). */
  gamma(k: number, theta: number): number {
    if (!(k > 0) || !(theta > 0)) {
      throw new RangeError(
        `Prng.gamma: expected shape > 0 and scale > 0, got shape ${String(k)}, scale ${String(theta)}`,
      );
    }
    if (k < 1) {
      // Gamma(k) = Gamma(k + 1) · U^(1/k) (Marsaglia & Tsang, 2000, section 6); 1 − U avoids U = 0.
      return this.gamma(k + 1, theta) * (1 - this.uniform()) ** (1 / k);
    }
    const d = k - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = 1 - this.uniform();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v * theta;
      }
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32 finaliser (the 32-bit variant of Steele, Lea & Flood's SplitMix): a bijection on 32-bit words. */
function splitmix32(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}
