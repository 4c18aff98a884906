/**
 * A bounded concurrent map for validation: node checks (and the async `validate()` hooks they
 * call) run side by side instead of one after another, but never more than `limit` at once, so
 * a workflow of thousands of file-checking nodes cannot exhaust file handles or the thread pool.
 *
 * A call may answer synchronously (a plain value, not a promise): most node checks do, and
 * they then cost no promise and no microtask, and take no slot.
 */

/** Calls `fn` on every item with at most `limit` unsettled promises at once; results keep the items' order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => R | Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  // Each worker holds at most one promise: it runs synchronous answers back to back, and waits
  // only for a call that answered with a promise.
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      const result = fn(items[index] as T, index);
      results[index] = result instanceof Promise ? await result : result;
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
