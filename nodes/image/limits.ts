/**
 * Size limits of the image pack, in one place: how many pixels a decoded image may have, how
 * big a file we read, and how many float values one image batch may hold. Checked before
 * anything is allocated, so a hostile header cannot make us reserve gigabytes.
 */
import { SwitchyardError } from '../../engine/nodes/index.js';

/** Pixels one decoded image (all frames together) may have: 16383², sharp's own default, set explicitly. */
export const MAX_INPUT_PIXELS = 16383 * 16383;
/** Bytes of one image file or decoded base64 payload. */
export const MAX_IMAGE_BYTES = 512 * 1024 * 1024;
/** Width/height limit of generated images (ComfyUI's MAX_RESOLUTION). */
export const MAX_RESOLUTION = 16384;
/** Float values one IMAGE or MASK batch may hold (4 GiB of float32). */
export const MAX_BATCH_VALUES = 2 ** 30;

/** Allocates the float storage of a batch, refusing sizes past the limit with a clear error. */
export function allocateValues(length: number, what: string): Float32Array {
  if (!Number.isSafeInteger(length) || length < 0) {
    throw new SwitchyardError('invalid_input', `${what}: size ${String(length)} is not a valid value count`, { length });
  }
  const tooMany = tooManyValues(length, what);
  if (tooMany !== undefined) throw new SwitchyardError('invalid_input', tooMany, { length, limit: MAX_BATCH_VALUES });
  return new Float32Array(length);
}

/** The message for a batch of `length` float values past the limit, or undefined when it fits. */
export function tooManyValues(length: number, what: string): string | undefined {
  return length > MAX_BATCH_VALUES ? `${what}: ${length} values is more than the limit of ${MAX_BATCH_VALUES} (a batch of at most 4 GiB)` : undefined;
}

/** Checks a width/height/count literal before it is used to size memory. */
export function requireDimension(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new SwitchyardError('invalid_input', `${name} must be an integer from ${min} to ${max}, got ${String(value)}`, { input: name, value, min, max });
  }
  return value;
}
