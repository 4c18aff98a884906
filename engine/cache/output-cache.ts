/**
 * The output cache: node results by content key, shared by every run and workflow of a process
 * (one instance, owned by the engine and handed to the executor). Least-recently-used entries
 * are evicted to stay within a byte budget; an entry bigger than the whole budget is simply not
 * kept. An entry holds all outputs of a node and its `ui` result, so a cached output node can
 * show its result again without running.
 */
import type { UiResult } from '../nodes/values.js';
import { DigestIndex } from './digest-table.js';
import type { Digest128 } from './hash.js';

export interface CacheEntry {
  /** Output values in the node type's output order. */
  readonly outputs: readonly unknown[];
  /** What an output node showed. */
  readonly ui?: UiResult;
  /**
   * Only for the base-key entry of a node with lazy inputs: which of them (input indexes) the
   * node asked for last time, so the next run can build the full key before running it.
   */
  readonly lazyRequested?: readonly number[];
}

export interface CacheStats {
  hits: number;
  misses: number;
  evictions: number;
  entries: number;
  bytes: number;
  maxBytes: number;
}

/** What the executor needs from a cache (OutputCache is the in-memory one). */
export interface NodeCache {
  /** Looks an entry up (counting a hit or a miss) and marks it recently used. */
  get(key: Digest128): CacheEntry | undefined;
  /** Stores an entry of `bytes` estimated size; false when it is larger than the whole budget. */
  set(key: Digest128, entry: CacheEntry, bytes: number): boolean;
  delete(key: Digest128): boolean;
  clear(): void;
  stats(): CacheStats;
}

export interface OutputCacheOptions {
  /** The byte budget (estimated sizes of the values held). 0 keeps nothing. */
  maxBytes: number;
}

/** No slot (the end of a list). */
const NONE = -1;
/** The most slots a cleared cache keeps for the entries that usually come back. */
const KEPT_SLOTS = 1 << 15;

export class OutputCache implements NodeCache {
  readonly maxBytes: number;
  // A hash index from key to slot number, plus the slots in flat arrays: key, entry, size, and a
  // doubly linked recency list (least recently used at the head) as slot numbers. A hit moves
  // one slot to the tail with a few integer writes; eviction takes from the head. Nothing is
  // allocated per entry: a cold run of a long workflow adds an entry per node, and all of them
  // stay alive, so an object per entry would be copied by every young-generation collection
  // during the run and then promoted to the old generation.
  private readonly index = new DigestIndex();
  // Plain arrays that grow by `push` (amortised by the engine, nothing to copy by hand), and no
  // slot until the first entry: an executor's cache is often made for a single short run.
  private keys: (Digest128 | undefined)[] = [];
  private entries: (CacheEntry | undefined)[] = [];
  private sizes: number[] = [];
  private previous: number[] = [];
  /** The next slot in the recency list, or in the list of free slots. */
  private next: number[] = [];
  /** Slots handed out so far; those above are free without being listed. */
  private used = 0;
  private free = NONE;
  private head = NONE;
  private tail = NONE;
  private totalBytes = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(options: OutputCacheOptions) {
    if (!Number.isFinite(options.maxBytes) || options.maxBytes < 0) {
      throw new RangeError(`cache maxBytes must be a non-negative number, got ${String(options.maxBytes)}`);
    }
    this.maxBytes = options.maxBytes;
  }

  get(key: Digest128): CacheEntry | undefined {
    const slot = this.index.get(key, this.keys);
    if (slot < 0) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    if (slot !== this.tail) {
      this.unlink(slot);
      this.append(slot);
    }
    return this.entries[slot];
  }

  set(key: Digest128, entry: CacheEntry, bytes: number): boolean {
    const size = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
    // One probe: the key's cell, or the empty cell it goes into.
    const cell = this.index.find(key, this.keys);
    if (cell >= 0) {
      const slot = this.index.slotAt(cell);
      if (size > this.maxBytes) {
        // An oversize update drops the old value instead of keeping a stale one.
        this.index.deleteAt(cell);
        this.totalBytes -= this.sizes[slot]!;
        this.unlink(slot);
        this.freeSlot(slot);
        return false;
      }
      this.entries[slot] = entry;
      this.totalBytes += size - this.sizes[slot]!;
      this.sizes[slot] = size;
      if (slot !== this.tail) {
        this.unlink(slot);
        this.append(slot);
      }
    } else {
      if (size > this.maxBytes) return false;
      const slot = this.takeSlot();
      this.keys[slot] = key;
      this.entries[slot] = entry;
      this.sizes[slot] = size;
      this.index.addAt(cell, key, slot);
      this.append(slot);
      this.totalBytes += size;
    }
    while (this.totalBytes > this.maxBytes && this.head !== NONE) {
      const oldest = this.head;
      this.index.delete(this.keys[oldest]!, this.keys);
      this.totalBytes -= this.sizes[oldest]!;
      this.unlink(oldest);
      this.freeSlot(oldest);
      this.evictions++;
    }
    return true;
  }

  delete(key: Digest128): boolean {
    const slot = this.index.delete(key, this.keys);
    if (slot < 0) return false;
    this.totalBytes -= this.sizes[slot]!;
    this.unlink(slot);
    this.freeSlot(slot);
    return true;
  }

  /** Drops every entry (the counters of hits, misses and evictions are kept). */
  clear(): void {
    this.index.clear();
    if (this.keys.length > KEPT_SLOTS) {
      this.keys = [];
      this.entries = [];
      this.sizes = [];
      this.previous = [];
      this.next = [];
    } else {
      this.keys.fill(undefined, 0, this.used);
      this.entries.fill(undefined, 0, this.used);
    }
    this.used = 0;
    this.free = NONE;
    this.head = NONE;
    this.tail = NONE;
    this.totalBytes = 0;
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, entries: this.index.size, bytes: this.totalBytes, maxBytes: this.maxBytes };
  }

  private takeSlot(): number {
    const free = this.free;
    if (free !== NONE) {
      this.free = this.next[free]!;
      return free;
    }
    if (this.used === this.keys.length) {
      this.keys.push(undefined);
      this.entries.push(undefined);
      this.sizes.push(0);
      this.previous.push(NONE);
      this.next.push(NONE);
    }
    return this.used++;
  }

  private freeSlot(slot: number): void {
    this.keys[slot] = undefined;
    this.entries[slot] = undefined;
    this.next[slot] = this.free;
    this.free = slot;
  }

  private append(slot: number): void {
    const tail = this.tail;
    this.previous[slot] = tail;
    this.next[slot] = NONE;
    if (tail !== NONE) this.next[tail] = slot;
    else this.head = slot;
    this.tail = slot;
  }

  private unlink(slot: number): void {
    const previous = this.previous[slot]!;
    const next = this.next[slot]!;
    if (previous !== NONE) this.next[previous] = next;
    else this.head = next;
    if (next !== NONE) this.previous[next] = previous;
    else this.tail = previous;
  }
}
