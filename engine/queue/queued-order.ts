/**
 * The queued runs in the order they will run (higher priority first, FIFO by submission number
 * within a priority — compareRunOrder), kept so that what every submission needs costs no
 * walk over the queue: adding a run, taking the next one, removing one (cancel) and a run's
 * position are O(log n) or better, with n the runs queued at one priority; only the number of
 * distinct priorities in use (a handful in practice) is walked.
 *
 * Each priority has a bucket: run ids in submission order (numbers only grow, so a new run is
 * the bucket's last — runs loaded at open are sorted first; anything else re-sorts), with a Fenwick tree of
 * which slots are still queued, so "how many are ahead of this one in its bucket" is a prefix
 * sum. Removed slots are dropped by rebuilding the bucket once they outnumber the live ones.
 */

interface Bucket {
  priority: number;
  ids: string[];
  /** Fenwick tree over slots: 1 where the slot is still queued. Index i + 1 holds slot i. */
  tree: number[];
  /** Slots before this one are all removed. */
  head: number;
  live: number;
  /** The highest number appended (numbers only grow, so appending keeps the bucket sorted). */
  lastNumber: number;
}

export interface QueuedRun {
  id: string;
  priority: number;
  number: number;
}

export interface QueuedOrder {
  readonly size: number;
  has(id: string): boolean;
  /** Adds a run: O(log n) when its number is above every queued one's of its priority (new submissions), else a one-off re-sort. */
  add(run: QueuedRun): void;
  remove(id: string): boolean;
  /** The run that goes next, without removing it. */
  first(): string | undefined;
  /** Runs ahead of this one; undefined when it is not queued. */
  position(id: string): number | undefined;
  /** The highest priority queued, if any. */
  highestPriority(): number | undefined;
}

/** `runs` in any order (they are sorted here). */
export function createQueuedOrder(runs: Iterable<QueuedRun> = []): QueuedOrder {
  const buckets = new Map<number, Bucket>();
  /** Priorities with a bucket, highest first. */
  const priorities: number[] = [];
  const slotOf = new Map<string, { bucket: Bucket; slot: number; number: number }>();

  function bucketFor(priority: number): Bucket {
    let bucket = buckets.get(priority);
    if (!bucket) {
      bucket = { priority, ids: [], tree: [0], head: 0, live: 0, lastNumber: -Infinity };
      buckets.set(priority, bucket);
      let at = 0;
      while (at < priorities.length && priorities[at]! > priority) at += 1;
      priorities.splice(at, 0, priority);
    }
    return bucket;
  }

  function dropBucket(bucket: Bucket): void {
    buckets.delete(bucket.priority);
    priorities.splice(priorities.indexOf(bucket.priority), 1);
  }

  function treeAdd(bucket: Bucket, slot: number, delta: number): void {
    for (let i = slot + 1; i < bucket.tree.length; i += i & -i) bucket.tree[i]! += delta;
  }

  /** Live slots before `slot`. */
  function treeCountBefore(bucket: Bucket, slot: number): number {
    let sum = 0;
    for (let i = slot; i > 0; i -= i & -i) sum += bucket.tree[i]!;
    return sum;
  }

  /** Whether the bucket's slot still holds a queued run (a removed id may be queued again elsewhere). */
  function isLive(bucket: Bucket, slot: number): boolean {
    const at = slotOf.get(bucket.ids[slot]!);
    return at !== undefined && at.bucket === bucket && at.slot === slot;
  }

  /** Rebuilds the bucket's arrays from its live ids (fresh slots, fresh tree) with room for `room` more. */
  function rebuild(bucket: Bucket, room = 0, sort = false): void {
    const ids = bucket.ids.filter((_, slot) => isLive(bucket, slot));
    if (sort) ids.sort((a, b) => slotOf.get(a)!.number - slotOf.get(b)!.number);
    let capacity = 16;
    while (capacity < ids.length + room) capacity *= 2;
    bucket.ids = ids;
    bucket.head = 0;
    bucket.tree = new Array<number>(capacity + 1).fill(0);
    for (let slot = 0; slot < ids.length; slot++) slotOf.set(ids[slot]!, { bucket, slot, number: slotOf.get(ids[slot]!)!.number });
    // Linear-time Fenwick build: each cell, complete once its children are in, adds itself to its parent.
    for (let i = 1; i <= capacity; i++) {
      if (i <= ids.length) bucket.tree[i]! += 1;
      const parent = i + (i & -i);
      if (parent <= capacity) bucket.tree[parent]! += bucket.tree[i]!;
    }
  }

  function append(run: QueuedRun): void {
    const bucket = bucketFor(run.priority);
    // Full: rebuild with room to double, so appends stay O(log n) amortised.
    if (bucket.ids.length + 1 >= bucket.tree.length) rebuild(bucket, bucket.live + 1);
    const slot = bucket.ids.length;
    bucket.ids.push(run.id);
    slotOf.set(run.id, { bucket, slot, number: run.number });
    treeAdd(bucket, slot, 1);
    bucket.live += 1;
    // Not expected (numbers only grow), but the order must hold anyway: re-sort, O(n) once.
    if (run.number < bucket.lastNumber) rebuild(bucket, 1, true);
    bucket.lastNumber = Math.max(bucket.lastNumber, run.number);
  }

  const sorted = [...runs].sort((a, b) => b.priority - a.priority || a.number - b.number);
  for (const run of sorted) append(run);

  return {
    get size() {
      return slotOf.size;
    },
    has(id) {
      return slotOf.has(id);
    },
    add(run) {
      if (slotOf.has(run.id)) return;
      append(run);
    },
    remove(id) {
      const at = slotOf.get(id);
      if (!at) return false;
      const { bucket, slot } = at;
      slotOf.delete(id);
      treeAdd(bucket, slot, -1);
      bucket.live -= 1;
      if (bucket.live === 0) dropBucket(bucket);
      else if (bucket.ids.length - bucket.live > Math.max(64, bucket.live)) rebuild(bucket);
      return true;
    },
    first() {
      const priority = priorities[0];
      if (priority === undefined) return undefined;
      const bucket = buckets.get(priority)!;
      while (bucket.head < bucket.ids.length && !isLive(bucket, bucket.head)) bucket.head += 1;
      return bucket.ids[bucket.head];
    },
    position(id) {
      const at = slotOf.get(id);
      if (!at) return undefined;
      let ahead = 0;
      for (const priority of priorities) {
        if (priority === at.bucket.priority) break;
        ahead += buckets.get(priority)!.live;
      }
      return ahead + treeCountBefore(at.bucket, at.slot);
    },
    highestPriority() {
      return priorities[0];
    },
  };
}
