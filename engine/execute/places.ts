/**
 * The concurrency places of one run: at most `limit` nodes hold a place (run code) at once. A
 * node that waits for something another node must produce — a lazy input it asked for, a result
 * another run is computing — gives its place up while it waits and queues to get one back, so
 * waiting nodes can never take every place and starve the nodes they wait for (with a limit of
 * 1, a node asking for a lazy input would otherwise deadlock).
 */

/** A running node's standing with the places (made only for nodes that may wait). */
export interface PlaceHolder {
  /** Holds a place now. */
  holding: boolean;
  /** Waits in progress; the place is asked back when the last one ends. */
  outstanding: number;
  /** In the queue to get a place back. */
  queued: boolean;
  /** Its work is over (it needs no place any more). */
  settled: boolean;
  /** Calls waiting for the place to come back. */
  readonly returns: { resolve(): void; reject(error: unknown): void }[];
}

export function newPlaceHolder(): PlaceHolder {
  return { holding: true, outstanding: 0, queued: false, settled: false, returns: [] };
}

const RESOLVED: Promise<void> = Promise.resolve();

export class Places {
  private running = 0;
  private suspended = 0;
  private readonly queue: PlaceHolder[] = [];
  private head = 0;
  private closedWith: { error: unknown } | undefined = undefined;

  /** `wake` is called when a place may have become free (the run then starts more work). */
  constructor(private readonly limit: number, private readonly wake: () => void) {}

  hasFree(): boolean {
    return this.running < this.limit;
  }

  /** Nothing holds, waits for or queues for a place. */
  isIdle(): boolean {
    return this.running === 0 && this.suspended === 0 && this.head === this.queue.length;
  }

  /** A node starts and takes a place (the caller checked `hasFree`). */
  take(): void {
    this.running++;
  }

  /** Gives a free place to the first node queued to get one back; false when none is queued. */
  resumeNext(): boolean {
    if (this.head === this.queue.length) return false;
    const holder = this.queue[this.head++]!;
    holder.queued = false;
    this.suspended--;
    if (!holder.settled) {
      holder.holding = true;
      this.running++;
    }
    for (const waiter of holder.returns.splice(0)) waiter.resolve();
    return true;
  }

  /** A node's work is over: its place (or its waiting) ends. `holder` undefined: it never waited. */
  release(holder: PlaceHolder | undefined): void {
    if (holder === undefined || holder.holding) this.running--;
    else if (!holder.queued) this.suspended--;
    if (holder !== undefined) {
      holder.settled = true;
      holder.holding = false;
    }
  }

  /** The node starts waiting for something: it gives its place up meanwhile. */
  beginWait(holder: PlaceHolder): void {
    holder.outstanding++;
    if (!holder.holding) return;
    holder.holding = false;
    this.running--;
    this.suspended++;
    this.wake();
  }

  /** One wait ended; resolves once the node holds a place again (after its last wait ends). */
  endWait(holder: PlaceHolder): Promise<void> {
    holder.outstanding--;
    if (holder.holding || holder.settled) return RESOLVED;
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith.error);
    return new Promise<void>((resolve, reject) => {
      holder.returns.push({ resolve, reject });
      if (holder.outstanding === 0 && !holder.queued) {
        holder.queued = true;
        this.queue.push(holder);
        this.wake();
      }
    });
  }

  /** One wait ended and the node finishes without running code again (it needs no place back). */
  endWaitWithoutPlace(holder: PlaceHolder): void {
    holder.outstanding--;
  }

  /** The run is over (interrupted): nodes waiting to get a place back are told `error`, now and later. */
  close(error: unknown, holders: Iterable<PlaceHolder | undefined>): void {
    this.closedWith = { error };
    for (const holder of holders) if (holder !== undefined) for (const waiter of holder.returns.splice(0)) waiter.reject(error);
  }
}
