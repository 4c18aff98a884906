/**
 * Seeded noise that is the same on every machine: our own PRNG (xoshiro128**, seeded through
 * splitmix64 from any seed 0..2^53-1 — 0 is a seed like any other) and Gaussian values by
 * Box–Muller from 53-bit uniforms. Only integer operations and V8's software Math.log / sqrt /
 * cos / sin, which are the same on every platform, so a seed gives the same latents bit for
 * bit wherever Switchyard runs. Never Math.random.
 */

const MASK64 = (1n << 64n) - 1n;

/** splitmix64: spreads one seed into independent 64-bit words. */
function splitmix64(state: bigint): { next: bigint; value: bigint } {
  const next = (state + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return { next, value: z ^ (z >> 31n) };
}

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare: number | undefined;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`a seed is an integer from 0 to 2^53-1, got ${String(seed)}`);
    let state = BigInt(seed);
    const words: number[] = [];
    for (let i = 0; i < 2; i++) {
      const step = splitmix64(state);
      state = step.next;
      words.push(Number(step.value & 0xffffffffn), Number(step.value >> 32n));
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    // xoshiro's state must not be all zero (splitmix64 never gives that, but be explicit).
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A standard normal value (Box–Muller; the second value of each pair is kept for the next call). */
  nextGaussian(): number {
    if (this.spare !== undefined) {
      const value = this.spare;
      this.spare = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u));
    const angle = 2 * Math.PI * v;
    this.spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  /** `count` standard normal values as float32 (latent noise). */
  gaussian(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = this.nextGaussian();
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Latent noise for `seed`: `count` float32 standard normal values. */
export function seededNoise(seed: number, count: number): Float32Array {
  return new SeededRandom(seed).gaussian(count);
}
