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
  /** xoshiro128** state words; a typed array keeps them unboxed int32 in the hot loops. */
  private readonly state = new Int32Array(4);
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`a seed is an integer from 0 to 2^53-1, got ${String(seed)}`);
    let state = BigInt(seed);
    for (let i = 0; i < 4; i += 2) {
      const step = splitmix64(state);
      state = step.next;
      this.state[i] = Number(step.value & 0xffffffffn);
      this.state[i + 1] = Number(step.value >> 32n);
    }
    // xoshiro's state must not be all zero (splitmix64 never gives that, but be explicit).
    if ((this.state[0]! | this.state[1]! | this.state[2]! | this.state[3]!) === 0) this.state[0] = 1;
  }

  /** The next 32-bit unsigned integer (xoshiro128**). */
  nextUint32(): number {
    return nextWord(this.state);
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    return uniform53(this.state);
  }

  /** A standard normal value (Box–Muller; the second value of each pair is kept for the next call). */
  nextGaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const { cos, sin } = boxMuller(this.state);
    this.spare = sin;
    this.hasSpare = true;
    return cos;
  }

  /** `count` standard normal values as float32 (latent noise). */
  gaussian(count: number): Float32Array {
    return this.fill(new Float32Array(count));
  }

  /**
   * Fills `out` with the next standard normal values — the same ones, in the same order, as
   * `out.length` calls of nextGaussian() — so a sampler can reuse one buffer step after step.
   */
  fill(out: Float32Array): Float32Array {
    const count = out.length;
    const state = this.state;
    let i = 0;
    if (this.hasSpare && count > 0) {
      out[i++] = this.spare;
      this.hasSpare = false;
    }
    while (i < count) {
      let u = 0;
      while (u === 0) u = uniform53(state);
      const v = uniform53(state);
      const radius = Math.sqrt(-2 * Math.log(u));
      const angle = 2 * Math.PI * v;
      out[i++] = radius * Math.cos(angle);
      const second = radius * Math.sin(angle);
      if (i < count) out[i++] = second;
      else {
        this.spare = second;
        this.hasSpare = true;
      }
    }
    return out;
  }
}

/** One xoshiro128** output, advancing `state` in place. */
function nextWord(state: Int32Array): number {
  const s0 = state[0]!;
  const s1 = state[1]!;
  const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
  const s2 = state[2]! ^ s0;
  const s3 = state[3]! ^ s1;
  state[0] = s0 ^ s3;
  state[1] = s1 ^ s2;
  state[2] = s2 ^ (s1 << 9);
  state[3] = rotl(s3, 11);
  return result;
}

function uniform53(state: Int32Array): number {
  const high = nextWord(state) >>> 5; // 27 bits
  const low = nextWord(state) >>> 6; // 26 bits
  return (high * 67108864 + low) / 9007199254740992;
}

function boxMuller(state: Int32Array): { cos: number; sin: number } {
  let u = 0;
  while (u === 0) u = uniform53(state);
  const v = uniform53(state);
  const radius = Math.sqrt(-2 * Math.log(u));
  const angle = 2 * Math.PI * v;
  return { cos: radius * Math.cos(angle), sin: radius * Math.sin(angle) };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Latent noise for `seed`: `count` float32 standard normal values. */
export function seededNoise(seed: number, count: number): Float32Array {
  return new SeededRandom(seed).gaussian(count);
}
