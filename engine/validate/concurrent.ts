/**
 * A bounded concurrent map for validation: node checks (and the async `validate()` hooks they
 * call) run side by side instead of one after another, but never more than `limit` at once, so
 * a workflow of thousands of file-checking nodes cannot exhaust file handles or the thread pool.
 */

/** Calls `fn` on every item with at most `limit` calls in flight; results keep the items' order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
