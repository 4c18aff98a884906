/**
 * Single-flight for node results: while a node with content key K runs, any other node with the
 * same key — in the same run or in another run of the same executor — waits for that result
 * instead of computing it again. A follower whose leader fails (or whose leader's run is
 * interrupted) computes the result itself.
 */
import type { CacheEntry } from '../cache/output-cache.js';
import type { Digest128 } from '../cache/hash.js';

interface Follower {
  resolve(entry: CacheEntry): void;
  reject(error: unknown): void;
}

export class Flight {
  private readonly followers: Follower[] = [];

  follow(): Promise<CacheEntry> {
    return new Promise((resolve, reject) => this.followers.push({ resolve, reject }));
  }

  resolve(entry: CacheEntry): void {
    for (const follower of this.followers.splice(0)) follower.resolve(entry);
  }

  reject(error: unknown): void {
    for (const follower of this.followers.splice(0)) follower.reject(error);
  }
}

/** The flights of one executor, by content key. */
export class FlightTable {
  private readonly flights = new Map<Digest128, Flight>();

  get(key: Digest128): Flight | undefined {
    // Usually no flight is under way: asked for every node run, that needs no hash of the key.
    return this.flights.size === 0 ? undefined : this.flights.get(key);
  }

  /** Starts a flight for `key` (the caller is its leader), unless one is already under way. */
  lead(key: Digest128): Flight | undefined {
    if (this.flights.has(key)) return undefined;
    const flight = new Flight();
    this.flights.set(key, flight);
    return flight;
  }

  land(key: Digest128, flight: Flight, entry: CacheEntry): void {
    if (this.flights.get(key) === flight) this.flights.delete(key);
    flight.resolve(entry);
  }

  abort(key: Digest128, flight: Flight, error: unknown): void {
    if (this.flights.get(key) === flight) this.flights.delete(key);
    flight.reject(error);
  }

  get size(): number {
    return this.flights.size;
  }
}
