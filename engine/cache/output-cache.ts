/**
 * The output cache: node results by content key, shared by every run and workflow of a process
 * (one instance, owned by the engine and handed to the executor). Least-recently-used entries
 * are evicted to stay within a byte budget; an entry bigger than the whole budget is simply not
 * kept. An entry holds all outputs of a node and its `ui` result, so a cached output node can
 * show its result again without running.
 */
import type { UiResult } from '../nodes/values.js';
import { DigestTable } from './digest-table.js';
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

/** A cache slot in the recency list (least recently used at the head). */
interface Slot {
  readonly key: Digest128;
  entry: CacheEntry;
  bytes: number;
  previous: Slot | undefined;
  next: Slot | undefined;
}

export class OutputCache implements NodeCache {
  readonly maxBytes: number;
  // A hash table for lookup plus a doubly linked recency list: a hit moves one slot to the tail
  // with a few pointer writes (cheaper than re-inserting), eviction takes from the head.
  private readonly slots = new DigestTable<Slot>();
  private head: Slot | undefined = undefined;
  private tail: Slot | undefined = undefined;
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
    const slot = this.slots.get(key);
    if (slot === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    if (slot !== this.tail) {
      this.unlink(slot);
      this.append(slot);
    }
    return slot.entry;
  }

  set(key: Digest128, entry: CacheEntry, bytes: number): boolean {
    const size = Number.isFinite(bytes) && bytes > 0 ? bytes : 0;
    this.delete(key);
    if (size > this.maxBytes) return false;
    const slot: Slot = { key, entry, bytes: size, previous: undefined, next: undefined };
    this.slots.set(key, slot);
    this.append(slot);
    this.totalBytes += size;
    while (this.totalBytes > this.maxBytes && this.head !== undefined) {
      const oldest = this.head;
      this.slots.delete(oldest.key);
      this.unlink(oldest);
      this.totalBytes -= oldest.bytes;
      this.evictions++;
    }
    return true;
  }

  delete(key: Digest128): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    this.slots.delete(key);
    this.unlink(slot);
    this.totalBytes -= slot.bytes;
    return true;
  }

  /** Drops every entry (the counters of hits, misses and evictions are kept). */
  clear(): void {
    this.slots.clear();
    this.head = undefined;
    this.tail = undefined;
    this.totalBytes = 0;
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, entries: this.slots.size, bytes: this.totalBytes, maxBytes: this.maxBytes };
  }

  private append(slot: Slot): void {
    slot.previous = this.tail;
    slot.next = undefined;
    if (this.tail !== undefined) this.tail.next = slot;
    else this.head = slot;
    this.tail = slot;
  }

  private unlink(slot: Slot): void {
    if (slot.previous !== undefined) slot.previous.next = slot.next;
    else this.head = slot.next;
    if (slot.next !== undefined) slot.next.previous = slot.previous;
    else this.tail = slot.previous;
    slot.previous = undefined;
    slot.next = undefined;
  }
}
