/**
 * Estimated bytes of a cache entry: each output measured by its declared data type's `sizeOf`
 * (e.g. an IMAGE by its pixel buffer), falling back to the generic estimate, plus the ui result.
 */
import { estimateSize, type DataTypeInfo } from '../nodes/data-types.js';
import type { UiResult } from '../nodes/values.js';

/** Fixed cost of an entry (key, bookkeeping) so that many tiny entries still count. */
const ENTRY_OVERHEAD = 96;

export function estimateEntryBytes(
  outputs: readonly unknown[],
  outputTypes: readonly string[],
  ui: UiResult | undefined,
  dataType: (name: string) => DataTypeInfo | undefined,
): number {
  let total = ENTRY_OVERHEAD;
  for (let i = 0; i < outputs.length; i++) {
    const value = outputs[i];
    const sizeOf = dataType(outputTypes[i] ?? '*')?.sizeOf;
    let size: number | undefined;
    if (sizeOf) {
      try {
        size = sizeOf(value);
      } catch {
        // A pack's sizeOf that cannot measure this value: the generic estimate still bounds it.
        size = undefined;
      }
    }
    total += size !== undefined && Number.isFinite(size) && size >= 0 ? size : estimateSize(value);
  }
  if (ui !== undefined) total += estimateSize(ui);
  return total;
}
