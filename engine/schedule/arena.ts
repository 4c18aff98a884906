/**
 * Typed arrays carved out of one buffer. A typed array bigger than 64 bytes gets memory of its
 * own outside the JavaScript heap, which costs about a microsecond (more than scheduling a
 * trivial node), and a run needs a dozen such arrays: as views of one buffer they cost one such
 * allocation in all. Under SEPARATE_UP_TO bytes in all, each array is made on its own instead,
 * small enough to live in the heap, where making it costs next to nothing.
 *
 * Sizes are reserved up front, by element size (8-byte, then 4-byte, then 1-byte elements, so
 * every view is aligned); the memory starts zeroed and lives as long as any view of it.
 */

/** Total size up to which each array is made on its own (a few arrays of up to 64 bytes each). */
const SEPARATE_UP_TO = 256;

export class Arena {
  private readonly buffer: ArrayBuffer | undefined;
  private float64s: number;
  private int32s: number;
  private uint8s: number;
  private readonly float64End: number;
  private readonly int32End: number;
  private readonly uint8End: number;

  constructor(float64Count: number, int32Count: number, uint8Count: number) {
    this.float64End = float64Count * 8;
    this.int32End = this.float64End + int32Count * 4;
    this.uint8End = this.int32End + uint8Count;
    this.buffer = this.uint8End > SEPARATE_UP_TO ? new ArrayBuffer(this.uint8End) : undefined;
    this.float64s = 0;
    this.int32s = this.float64End;
    this.uint8s = this.int32End;
  }

  float64(length: number): Float64Array {
    const offset = this.float64s;
    this.float64s = this.check(offset + length * 8, this.float64End);
    return this.buffer === undefined ? new Float64Array(length) : new Float64Array(this.buffer, offset, length);
  }

  int32(length: number): Int32Array {
    const offset = this.int32s;
    this.int32s = this.check(offset + length * 4, this.int32End);
    return this.buffer === undefined ? new Int32Array(length) : new Int32Array(this.buffer, offset, length);
  }

  uint8(length: number): Uint8Array {
    const offset = this.uint8s;
    this.uint8s = this.check(offset + length, this.uint8End);
    return this.buffer === undefined ? new Uint8Array(length) : new Uint8Array(this.buffer, offset, length);
  }

  private check(end: number, limit: number): number {
    if (end > limit) throw new RangeError('arena: more taken than reserved');
    return end;
  }
}
