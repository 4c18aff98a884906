/**
 * The output cache's index: string keys (content keys, Digest128) → slot numbers, as an
 * open-addressing hash table with linear probing over one typed array. The keys themselves live
 * in the caller's array of slots (`keys[slot]`), which every call passes in, so the index holds
 * no JavaScript value at all.
 *
 * Why not a Map: a run looks every node's key up two or three times and inserts it once, and a
 * cold run of a long workflow refills the cache from empty. A Map of 10,000 keys keeps its
 * entries in chained buckets that it rebuilds on every doubling; here one probe usually lands on
 * the key (or on the empty cell that says it is absent) within a single cache line, a cleared
 * index keeps its capacity (up to a bound) for the next run, and nothing is allocated per entry.
 * Growing allocates only typed arrays, whose memory lies outside the JavaScript heap: the
 * collector never copies it, and a run that fills a fresh cache does not feed it garbage.
 */

import { digestWord } from './hash.js';

const MIN_CAPACITY = 16;
/** The cells of an index that has never held a key (shared: never written, as an index grows before its first key). */
const NO_CELLS = new Int32Array(0);
/** The largest capacity a cleared index keeps (512 KB of cells, enough for 32,768 keys). */
const KEPT_CAPACITY = 1 << 16;
/** Below this many cells the index grows fourfold, above it twofold. */
const QUADRUPLE_BELOW = 8192;

/** A digest's code units are already uniformly mixed: two of its words make a good hash. */
const DIGEST_LENGTH = 16;

/** The key's hash: from a digest's first words, or FNV-1a with a final mix for any other string. */
function hashOf(key: string): number {
  if (key.length === DIGEST_LENGTH) return digestWord(key, 0) ^ Math.imul(digestWord(key, 1), 0x9e3779b1);
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 15;
  return Math.imul(hash, 0x2c1b3c6d) ^ (hash >>> 12);
}

/** The keys of the caller's slots: `keys[slot]` is the key stored at `slot`. */
export type SlotKeys = ArrayLike<string | undefined>;

export class DigestIndex {
  /**
   * Two words per cell: the slot number + 1 of the key in the cell (0 when the cell is empty),
   * then the key's hash (compared before the key, and reused when cells move). Side by side, so
   * a probe reads one cache line.
   */
  // No cells until the first key (an executor's cache is often made for one short run).
  private cells = NO_CELLS;
  private mask = -1;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The slot of `key`, or -1 when it is not indexed. */
  get(key: string, keys: SlotKeys): number {
    const cell = this.find(key, keys);
    return cell < 0 ? -1 : this.cells[cell * 2]! - 1;
  }

  /** The cell holding `key`, or `~cell` of the empty cell where it would go (for `slotAt`, `addAt`, `deleteAt`). */
  find(key: string, keys: SlotKeys): number {
    // No cells yet: any answer for "absent" will do, as adding grows the index first.
    if (this.mask < 0) return ~0;
    const hash = hashOf(key);
    const { cells, mask } = this;
    let cell = hash & mask;
    for (;;) {
      const held = cells[cell * 2]!;
      if (held === 0) return ~cell;
      if (cells[cell * 2 + 1] === hash && keys[held - 1] === key) return cell;
      cell = (cell + 1) & mask;
    }
  }

  /** The slot indexed in `cell` (a cell `find` returned). */
  slotAt(cell: number): number {
    return this.cells[cell * 2]! - 1;
  }

  /** Indexes `key` (not indexed yet) at `slot`. */
  add(key: string, slot: number): void {
    if ((this.count + 1) * 2 > this.mask + 1) this.grow();
    this.place(hashOf(key), slot + 1);
    this.count++;
  }

  /** Indexes `key` at `slot` in `empty`, the `~cell` that `find` just returned for it. */
  addAt(empty: number, key: string, slot: number): void {
    // At most half full, so probes stay short and an empty cell always ends a search.
    if ((this.count + 1) * 2 > this.mask + 1) {
      this.add(key, slot);
      return;
    }
    const cell = ~empty;
    this.cells[cell * 2] = slot + 1;
    this.cells[cell * 2 + 1] = hashOf(key);
    this.count++;
  }

  /** Removes `key` from the index; returns its slot, or -1 when it was not indexed. */
  delete(key: string, keys: SlotKeys): number {
    const cell = this.find(key, keys);
    if (cell < 0) return -1;
    const slot = this.cells[cell * 2]! - 1;
    this.deleteAt(cell);
    return slot;
  }

  /** Removes the key in `cell` (a cell `find` returned). */
  deleteAt(cell: number): void {
    this.removeAt(cell);
    this.count--;
  }

  /**
   * Empties the index. Up to KEPT_CAPACITY cells it keeps its capacity for the entries that
   * usually come back (a cleared cache refills); a larger index is released.
   */
  clear(): void {
    if (this.count === 0) return;
    this.count = 0;
    if (this.mask + 1 > KEPT_CAPACITY) {
      this.cells = NO_CELLS;
      this.mask = -1;
      return;
    }
    this.cells.fill(0);
  }

  /** Puts `held` (slot + 1) into the first empty cell of `hash`'s probe run. */
  private place(hash: number, held: number): void {
    const { cells, mask } = this;
    let cell = hash & mask;
    while (cells[cell * 2] !== 0) cell = (cell + 1) & mask;
    cells[cell * 2] = held;
    cells[cell * 2 + 1] = hash;
  }

  /**
   * Empties `cell`, then moves later entries of the same probe run back into the gap, so that
   * every search still reaches its key before an empty cell (no tombstones).
   */
  private removeAt(cell: number): void {
    const { cells, mask } = this;
    let gap = cell;
    let next = (cell + 1) & mask;
    while (cells[next * 2] !== 0) {
      const home = cells[next * 2 + 1]! & mask;
      // The entry at `next` may fill the gap unless its home lies cyclically in (gap, next].
      const stays = gap <= next ? gap < home && home <= next : gap < home || home <= next;
      if (!stays) {
        cells[gap * 2] = cells[next * 2]!;
        cells[gap * 2 + 1] = cells[next * 2 + 1]!;
        gap = next;
      }
      next = (next + 1) & mask;
    }
    cells[gap * 2] = 0;
  }

  private grow(): void {
    const old = this.cells;
    // Quadrupling while small: a fresh index filled by one long run rehashes fewer times.
    const capacity = this.mask < 0 ? MIN_CAPACITY : (this.mask + 1) * (this.mask < QUADRUPLE_BELOW ? 4 : 2);
    this.cells = new Int32Array(capacity * 2);
    this.mask = capacity - 1;
    for (let at = 0; at < old.length; at += 2) if (old[at] !== 0) this.place(old[at + 1]!, old[at]!);
  }
}
