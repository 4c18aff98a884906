/** Scratch buffers for one sampling call: created by the sampler, reused step after step. */
import type { ScratchBuffers } from '../model/types.js';

export function createScratch(): ScratchBuffers {
  const buffers = new Map<string, Float32Array>();
  const kept = new Map<string, unknown>();
  return {
    get(name, length) {
      let buffer = buffers.get(name);
      if (buffer?.length !== length) buffers.set(name, (buffer = new Float32Array(length)));
      return buffer;
    },
    keep<T>(name: string, make: () => T): T {
      if (kept.has(name)) return kept.get(name) as T;
      const value = make();
      kept.set(name, value);
      return value;
    },
  };
}
