/**
 * Data types that travel on links: the compile-time map from a type name to its value type
 * (extend it from a pack with `declare module`), and the run-time descriptions the engine uses
 * to check a node's outputs and to measure values for the byte-bounded cache.
 */
import type { AudioValue, ImageValue, LatentValue, MaskValue, VideoValue } from './values.js';
import { isImageValue, isMaskValue } from './values.js';

/**
 * Type name → value type. Packs add their own types with:
 * `declare module 'switchyard' { interface DataTypes { MY_TYPE: MyValue } }`.
 */
export interface DataTypes {
  INT: number;
  FLOAT: number;
  STRING: string;
  BOOLEAN: boolean;
  COMBO: string;
  IMAGE: ImageValue;
  MASK: MaskValue;
  LATENT: LatentValue;
  AUDIO: AudioValue;
  VIDEO: VideoValue;
  CONDITIONING: unknown;
  MODEL: unknown;
  CLIP: unknown;
  VAE: unknown;
  CONTROL_NET: unknown;
  '*': unknown;
}

/** Run-time facts about a data type. */
export interface DataTypeInfo {
  name: string;
  description?: string;
  /** Returns a problem description when `value` is not of this type. */
  check?: (value: unknown) => string | undefined;
  /** Estimated bytes held by a value (for the cache's byte budget). */
  sizeOf?: (value: unknown) => number;
  /** Display colour for the editor's sockets. */
  color?: string;
}

const number = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? undefined : `expected a finite number, got ${describe(value)}`);

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Float32Array) return 'a Float32Array';
  if (typeof value === 'object') {
    const kind = (value as { kind?: unknown }).kind;
    return typeof kind === 'string' ? `a ${kind} value` : 'an object';
  }
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  return `${typeof value} ${String(value)}`;
}

export const BUILTIN_DATA_TYPES: readonly DataTypeInfo[] = [
  { name: 'INT', check: (v) => (Number.isSafeInteger(v) ? undefined : `expected an integer, got ${describe(v)}`), sizeOf: () => 8, color: '#29699c' },
  { name: 'FLOAT', check: number, sizeOf: () => 8, color: '#4b8f3a' },
  { name: 'STRING', check: (v) => (typeof v === 'string' ? undefined : `expected a string, got ${describe(v)}`), sizeOf: (v) => 2 * (v as string).length + 16, color: '#8a7a3a' },
  { name: 'BOOLEAN', check: (v) => (typeof v === 'boolean' ? undefined : `expected a boolean, got ${describe(v)}`), sizeOf: () => 4, color: '#6a4a9c' },
  { name: 'COMBO', check: (v) => (typeof v === 'string' ? undefined : `expected a string, got ${describe(v)}`), sizeOf: (v) => 2 * (v as string).length + 16 },
  { name: 'IMAGE', check: (v) => (isImageValue(v) ? undefined : `expected an IMAGE (RGB float batch), got ${describe(v)}`), sizeOf: (v) => (v as ImageValue).data.byteLength + 64, color: '#64b5f6' },
  { name: 'MASK', check: (v) => (isMaskValue(v) ? undefined : `expected a MASK (float batch), got ${describe(v)}`), sizeOf: (v) => (v as MaskValue).data.byteLength + 64, color: '#81c784' },
  { name: 'LATENT', color: '#ff9cf9' },
  { name: 'AUDIO', color: '#ea80fc' },
  { name: 'VIDEO', color: '#ffab40' },
  { name: 'CONDITIONING', color: '#ffa931' },
  { name: 'MODEL', color: '#b39ddb' },
  { name: 'CLIP', color: '#ffd500' },
  { name: 'VAE', color: '#ff6e6e' },
  { name: 'CONTROL_NET', color: '#00d78d' },
  { name: '*' },
];

/** Generic size estimate for values of types that declare none: typed arrays by bytes, objects by walking. */
export function estimateSize(value: unknown, depth = 0): number {
  if (value === null || value === undefined) return 8;
  switch (typeof value) {
    case 'number': case 'boolean': case 'bigint': return 8;
    case 'string': return 2 * value.length + 16;
    case 'function': case 'symbol': return 32;
  }
  if (ArrayBuffer.isView(value)) return value.byteLength + 64;
  if (value instanceof ArrayBuffer) return value.byteLength + 32;
  if (depth > 4) return 64;
  let total = 32;
  if (Array.isArray(value)) {
    for (const item of value) total += estimateSize(item, depth + 1);
    return total;
  }
  for (const key of Object.keys(value as object)) total += 2 * key.length + estimateSize((value as Record<string, unknown>)[key], depth + 1);
  return total;
}

export { typesCompatible } from './type-compat.js';
