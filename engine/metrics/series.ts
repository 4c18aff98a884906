/**
 * A rolling time series: the last `capacity` samples, oldest first, in a fixed ring so a server
 * that runs for months holds the same few kilobytes. The dashboard's small charts read it.
 */

export interface RollingSeries<T> {
  readonly capacity: number;
  push(sample: T): void;
  /** Oldest first. */
  list(): T[];
  latest(): T | undefined;
  readonly size: number;
}

export function rollingSeries<T>(capacity: number): RollingSeries<T> {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`series capacity must be a positive integer, got ${capacity}`);
  const ring: T[] = [];
  let next = 0;
  return {
    capacity,
    push(sample) {
      if (ring.length < capacity) ring.push(sample);
      else ring[next] = sample;
      next = (next + 1) % capacity;
    },
    list() {
      return ring.length < capacity ? [...ring] : [...ring.slice(next), ...ring.slice(0, next)];
    },
    latest() {
      return ring.length === 0 ? undefined : ring[(next - 1 + capacity) % capacity];
    },
    get size() {
      return ring.length;
    },
  };
}
