/**
 * A fast streaming 128-bit non-cryptographic hash for cache keys and value digests. Keys are
 * computed for every node on every run, so hashing must stay far below the executor's ~2 µs
 * per-node budget. Measured on this project's 2-core CI VM (Node 20, best of 40 × 10,000 keys,
 * a node with one link and two literals): building a key text and hashing it with node:crypto
 * costs ~850 ns (`crypto.hash('sha1' | 'sha256')`) to ~1.6 µs (`createHash('sha1')`), while
 * feeding the same facts as numbers into this hasher costs ~220–270 ns. Keys only have to resist
 * accidental collisions — the cache is in memory and filled by our own executor — not attacks.
 *
 * The mixing follows MurmurHash3's x86 128-bit scheme: four 32-bit lanes, a multiply-rotate per
 * 128-bit block, cross-lane additions, and a 32-bit avalanche at the end. Everything is fed as
 * whole blocks; every variable-length part (a string, a byte run) is prefixed with its length and
 * zero-padded to a block, so a sequence of parts can never be confused with another sequence.
 *
 * Large byte runs (image pixels, tensors) are the exception: there native SHA-1 wins (a 12 MiB
 * image: ~8 ms against ~17 ms in JavaScript), so runs above 4 KiB are reduced to their SHA-1
 * digest first and that digest is mixed in.
 */
import { createHash } from 'node:crypto';

const C1 = 0x239b961b;
const C2 = 0xab0e9789;
const C3 = 0x38b34ae5;
const C4 = 0xa1e38b93;

/** Block tags for variable-length parts (any distinct constants would do). */
const TAG_STRING = 0x5354524e;
const TAG_BYTES = 0x42595445;
const TAG_LARGE_BYTES = 0x4c425954;

/** Byte runs longer than this go through native SHA-1 first. */
const NATIVE_BYTES_THRESHOLD = 4096;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}

/**
 * A content key or digest: 128 bits as sixteen one-byte code units (four little-endian 32-bit
 * words, see `digestWord`). Compact and cheap to create and to use as a Map key; use `keyToHex`
 * to show one to a person.
 */
export type Digest128 = string;

/** Hasher state that can be saved and resumed (e.g. the literal part of a node's key). */
export interface HashState {
  readonly h1: number;
  readonly h2: number;
  readonly h3: number;
  readonly h4: number;
  readonly blocks: number;
}

/** Where `digest` puts the words nobody asked for. */
const SCRATCH_WORDS = new Int32Array(4);

export class Hash128 {
  private h1: number;
  private h2: number;
  private h3: number;
  private h4: number;
  private blocks: number;

  constructor(seed: number | HashState = 0) {
    if (typeof seed === 'number') {
      this.h1 = seed ^ 0x9747b28c;
      this.h2 = seed ^ 0x6a09e667;
      this.h3 = seed ^ 0xbb67ae85;
      this.h4 = seed ^ 0x3c6ef372;
      this.blocks = 0;
    } else {
      this.h1 = seed.h1;
      this.h2 = seed.h2;
      this.h3 = seed.h3;
      this.h4 = seed.h4;
      this.blocks = seed.blocks;
    }
  }

  /** Continues from a saved state (as `new Hash128(state)` would), reusing this hasher. */
  protected restore(state: HashState): void {
    this.h1 = state.h1;
    this.h2 = state.h2;
    this.h3 = state.h3;
    this.h4 = state.h4;
    this.blocks = state.blocks;
  }

  /** Mixes one 128-bit block given as four 32-bit words. */
  block(k1: number, k2: number, k3: number, k4: number): this {
    let h1 = this.h1;
    let h2 = this.h2;
    let h3 = this.h3;
    let h4 = this.h4;
    k1 = Math.imul(k1, C1); k1 = (k1 << 15) | (k1 >>> 17); k1 = Math.imul(k1, C2);
    h1 ^= k1; h1 = (h1 << 19) | (h1 >>> 13); h1 = (h1 + h2) | 0; h1 = (Math.imul(h1, 5) + 0x561ccd1b) | 0;
    k2 = Math.imul(k2, C2); k2 = (k2 << 16) | (k2 >>> 16); k2 = Math.imul(k2, C3);
    h2 ^= k2; h2 = (h2 << 17) | (h2 >>> 15); h2 = (h2 + h3) | 0; h2 = (Math.imul(h2, 5) + 0x0bcaa747) | 0;
    k3 = Math.imul(k3, C3); k3 = (k3 << 17) | (k3 >>> 15); k3 = Math.imul(k3, C4);
    h3 ^= k3; h3 = (h3 << 15) | (h3 >>> 17); h3 = (h3 + h4) | 0; h3 = (Math.imul(h3, 5) + 0x96cd1c35) | 0;
    k4 = Math.imul(k4, C4); k4 = (k4 << 18) | (k4 >>> 14); k4 = Math.imul(k4, C1);
    h4 ^= k4; h4 = (h4 << 13) | (h4 >>> 19); h4 = (h4 + h1) | 0; h4 = (Math.imul(h4, 5) + 0x32ac3b17) | 0;
    this.h1 = h1;
    this.h2 = h2;
    this.h3 = h3;
    this.h4 = h4;
    this.blocks++;
    return this;
  }

  /** Mixes a string (UTF-16 code units, two per word), length-prefixed and zero-padded. */
  string(text: string): this {
    const length = text.length;
    this.block(TAG_STRING, length, 0, 0);
    const whole = length & ~7;
    let i = 0;
    for (; i < whole; i += 8) {
      this.block(
        text.charCodeAt(i) | (text.charCodeAt(i + 1) << 16),
        text.charCodeAt(i + 2) | (text.charCodeAt(i + 3) << 16),
        text.charCodeAt(i + 4) | (text.charCodeAt(i + 5) << 16),
        text.charCodeAt(i + 6) | (text.charCodeAt(i + 7) << 16),
      );
    }
    if (i < length) {
      const unit = (at: number) => (at < length ? text.charCodeAt(at) : 0);
      this.block(unit(i) | (unit(i + 1) << 16), unit(i + 2) | (unit(i + 3) << 16), unit(i + 4) | (unit(i + 5) << 16), unit(i + 6) | (unit(i + 7) << 16));
    }
    return this;
  }

  /** Mixes a digest or key produced by `digest()` as one block. */
  digest128(value: Digest128): this {
    return this.block(digestWord(value, 0), digestWord(value, 1), digestWord(value, 2), digestWord(value, 3));
  }

  /** Mixes the digest whose words `digestInto` wrote to `words[at .. at + 4)`: the same block as `digest128` of it. */
  words128(words: Int32Array, at: number): this {
    return this.block(words[at]!, words[at + 1]!, words[at + 2]!, words[at + 3]!);
  }

  /** Mixes raw bytes (a typed array's memory), length-prefixed and zero-padded. */
  bytes(view: ArrayBufferView): this {
    const length = view.byteLength;
    if (length > NATIVE_BYTES_THRESHOLD) {
      const sha = createHash('sha1').update(new Uint8Array(view.buffer, view.byteOffset, length)).digest();
      this.block(TAG_LARGE_BYTES, length, sha.readInt32LE(0), sha.readInt32LE(4));
      return this.block(sha.readInt32LE(8), sha.readInt32LE(12), sha.readInt32LE(16), 0);
    }
    this.block(TAG_BYTES, length, 0, 0);
    const whole = length >>> 4;
    if ((view.byteOffset & 3) === 0) {
      // Aligned: read whole 32-bit words (little-endian on every platform Node runs on).
      const words = new Int32Array(view.buffer, view.byteOffset, whole * 4);
      for (let w = 0; w < words.length; w += 4) this.block(words[w]!, words[w + 1]!, words[w + 2]!, words[w + 3]!);
    } else {
      const data = new DataView(view.buffer, view.byteOffset, whole * 16);
      for (let at = 0; at < whole * 16; at += 16) {
        this.block(data.getInt32(at, true), data.getInt32(at + 4, true), data.getInt32(at + 8, true), data.getInt32(at + 12, true));
      }
    }
    const rest = length - whole * 16;
    if (rest > 0) {
      const tail = new Uint8Array(16);
      tail.set(new Uint8Array(view.buffer, view.byteOffset + whole * 16, rest));
      const words = new Int32Array(tail.buffer);
      this.block(words[0]!, words[1]!, words[2]!, words[3]!);
    }
    return this;
  }

  /** The state so far, to resume from later with `new Hash128(state)`. */
  save(): HashState {
    return { h1: this.h1, h2: this.h2, h3: this.h3, h4: this.h4, blocks: this.blocks };
  }

  /** Finishes (the hasher must not be used afterwards) and returns the 128-bit digest. */
  digest(): Digest128 {
    return this.digestInto(SCRATCH_WORDS, 0);
  }

  /**
   * As `digest`, and also writes the digest's four words (see `digestWord`) to
   * `words[at .. at + 4)`, for `words128` to mix later without reading the string.
   */
  digestInto(words: Int32Array, at: number): Digest128 {
    let h1 = this.h1 ^ this.blocks;
    let h2 = this.h2 ^ this.blocks;
    let h3 = this.h3 ^ this.blocks;
    let h4 = this.h4 ^ this.blocks;
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0;
    h1 = fmix(h1); h2 = fmix(h2); h3 = fmix(h3); h4 = fmix(h4);
    h1 = (h1 + h2 + h3 + h4) | 0;
    h2 = (h2 + h1) | 0; h3 = (h3 + h1) | 0; h4 = (h4 + h1) | 0;
    words[at] = h1;
    words[at + 1] = h2;
    words[at + 2] = h3;
    words[at + 3] = h4;
    // Sixteen one-byte code units: String.fromCharCode first makes a one-byte string and starts
    // over with a two-byte one at the first unit above 0xff, so eight 16-bit units would cost a
    // discarded string per key; bytes make the final string directly (of the same size).
    return String.fromCharCode(
      h1 & 0xff, (h1 >>> 8) & 0xff, (h1 >>> 16) & 0xff, h1 >>> 24,
      h2 & 0xff, (h2 >>> 8) & 0xff, (h2 >>> 16) & 0xff, h2 >>> 24,
      h3 & 0xff, (h3 >>> 8) & 0xff, (h3 >>> 16) & 0xff, h3 >>> 24,
      h4 & 0xff, (h4 >>> 8) & 0xff, (h4 >>> 16) & 0xff, h4 >>> 24,
    );
  }
}

/** Word `index` (0–3) of a digest, as the 32-bit value it was made from. */
export function digestWord(value: Digest128, index: number): number {
  const at = index * 4;
  return value.charCodeAt(at) | (value.charCodeAt(at + 1) << 8) | (value.charCodeAt(at + 2) << 16) | (value.charCodeAt(at + 3) << 24);
}

/** A digest as 32 lowercase hex characters (for logs and debugging). */
export function keyToHex(value: Digest128): string {
  let text = '';
  for (let i = 0; i < value.length; i++) text += value.charCodeAt(i).toString(16).padStart(2, '0');
  return text;
}

/** One-shot digest of a string. */
export function hashString(text: string): Digest128 {
  return new Hash128().string(text).digest();
}

/** One-shot digest of raw bytes. */
export function hashBytes(view: ArrayBufferView): Digest128 {
  return new Hash128().bytes(view).digest();
}
