/**
 * Bit-exact port (written from the MT19937 paper and CPython's documented algorithms) of what
 * NAS-Bench-201 did to fix its architecture order: `random.seed(88); random.shuffle(archs)` on the
 * list from `CellStructure.gen_all` (see `generate_meta_info` in D-X-Y/NAS-Bench-201, which asserts
 * arch 0 is `|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|`).
 * Replaying the shuffle reproduces the official index order without shipping a 15,625-entry table.
 */
class Mt19937 {
  private readonly mt = new Uint32Array(624);
  private index = 624;

  /** CPython's `random.seed(int)`: `init_by_array` over the integer's 32-bit words. */
  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be a 32-bit unsigned integer, got ${seed}`);
    }
    this.initByArray([seed]);
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.index = 624;
  }

  private initByArray(key: readonly number[]): void {
    this.initGenrand(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(624, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= 624) {
        mt[0] = mt[623];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = 623; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= 624) {
        mt[0] = mt[623];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  nextUint32(): number {
    const mt = this.mt;
    if (this.index >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.index = 0;
    }
    let y = mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** CPython's `_randbelow_with_getrandbits`: rejection sampling on `n.bit_length()` bits. */
  below(n: number): number {
    const bits = 32 - Math.clz32(n);
    let r = this.nextUint32() >>> (32 - bits);
    while (r >= n) r = this.nextUint32() >>> (32 - bits);
    return r;
  }
}

/** CPython 3's `random.seed(seed); random.shuffle(items)` on a copy (n < 2^32). */
export function pythonShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = items.slice();
  const mt = new Mt19937(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = mt.below(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
