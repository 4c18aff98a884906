/**
 * While packs load, a pack's stray promise rejection (top-level code that starts async work
 * and never awaits it) must not take the process down. This guard listens for unhandled
 * rejections during the load window only and hands them to the loader, which blames the pack
 * being imported. Rejections after the window are the process's normal business again.
 */

export interface RejectionGuard {
  /** Waits until pending rejections of the code just run have been reported, then returns and clears them. */
  drain(): Promise<unknown[]>;
  dispose(): void;
}

export function guardRejections(): RejectionGuard {
  let pending: unknown[] = [];
  const onRejection = (reason: unknown) => {
    pending.push(reason);
  };
  process.on('unhandledRejection', onRejection);
  return {
    async drain() {
      // Node reports unhandled rejections once the microtask queue is empty; one macrotask later they are in.
      await new Promise<void>((resolve) => setImmediate(resolve));
      const taken = pending;
      pending = [];
      return taken;
    },
    dispose() {
      process.off('unhandledRejection', onRejection);
    },
  };
}
