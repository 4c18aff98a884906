/**
 * Canonical hashing of values: literal inputs and fingerprints go into content keys, and the
 * outputs of `cache: false` nodes are digested so their downstream stays cached when the value
 * did not change. The walk is the hashing equivalent of canonical JSON (object keys in sorted
 * order, `undefined` properties dropped, -0 equal to 0), extended to binary data: typed arrays
 * and ArrayBuffers are hashed by their bytes (with their element kind).
 *
 * Objects that are not plain data (class instances, Maps, functions: e.g. a loaded model) are
 * hashed by identity: the same object gives the same digest within this process, another object
 * a different one. Cycles and very deep nesting are cut off by identity too, so the walk always
 * ends and never overflows the stack.
 */
import { Hash128, type Digest128 } from './hash.js';

const TAG_UNDEFINED = 0x7a000001;
const TAG_NULL = 0x7a000002;
const TAG_BOOLEAN = 0x7a000003;
const TAG_INTEGER = 0x7a000004;
const TAG_NUMBER = 0x7a000005;
const TAG_NAN = 0x7a000006;
const TAG_BIGINT = 0x7a000007;
const TAG_ARRAY = 0x7a000008;
const TAG_OBJECT = 0x7a000009;
const TAG_BINARY = 0x7a00000a;
const TAG_IDENTITY = 0x7a00000b;
const TAG_DATE = 0x7a00000c;
const TAG_SYMBOL = 0x7a00000d;

/** Deeper nesting than this is hashed by identity (keeps the walk bounded). */
const MAX_DEPTH = 32;

const float64 = new Float64Array(1);
const float64Words = new Int32Array(float64.buffer);

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

function identityOf(value: object): number {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return id;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Mixes a number so that equal numbers (including 0 and -0) always mix the same block. */
function mixNumber(hasher: Hash128, value: number): void {
  if ((value | 0) === value) {
    hasher.block(TAG_INTEGER, value | 0, 0, 0);
  } else if (Number.isNaN(value)) {
    hasher.block(TAG_NAN, 0, 0, 0);
  } else {
    float64[0] = value;
    hasher.block(TAG_NUMBER, float64Words[0]!, float64Words[1]!, 0);
  }
}

/** Mixes `value` into `hasher` canonically. */
export function mixValue(hasher: Hash128, value: unknown): void {
  mixAt(hasher, value, 0, undefined);
}

/** `ancestors`: the objects being walked above this value (made on the first object: most literals are primitives). */
function mixAt(hasher: Hash128, value: unknown, depth: number, ancestors: object[] | undefined): void {
  switch (typeof value) {
    case 'number':
      mixNumber(hasher, value);
      return;
    case 'string':
      hasher.string(value);
      return;
    case 'boolean':
      hasher.block(TAG_BOOLEAN, value ? 1 : 0, 0, 0);
      return;
    case 'undefined':
      hasher.block(TAG_UNDEFINED, 0, 0, 0);
      return;
    case 'bigint':
      hasher.block(TAG_BIGINT, 0, 0, 0).string(value.toString());
      return;
    case 'symbol':
      hasher.block(TAG_SYMBOL, 0, 0, 0).string(String(value));
      return;
    case 'function':
      hasher.block(TAG_IDENTITY, identityOf(value), 0, 0);
      return;
  }
  if (value === null) {
    hasher.block(TAG_NULL, 0, 0, 0);
    return;
  }
  const object = value as object;
  if (ArrayBuffer.isView(object)) {
    // The element kind keeps a Float32Array apart from an Int32Array with the same bytes.
    hasher.block(TAG_BINARY, 0, 0, 0).string(Object.prototype.toString.call(object)).bytes(object);
    return;
  }
  if (object instanceof ArrayBuffer) {
    hasher.block(TAG_BINARY, 1, 0, 0).bytes(new Uint8Array(object));
    return;
  }
  if (object instanceof Date) {
    mixNumber(hasher.block(TAG_DATE, 0, 0, 0), object.getTime());
    return;
  }
  const isArray = Array.isArray(object);
  if ((!isArray && !isPlainObject(object)) || depth >= MAX_DEPTH || ancestors?.includes(object)) {
    hasher.block(TAG_IDENTITY, identityOf(object), 0, 0);
    return;
  }
  ancestors ??= [];
  ancestors.push(object);
  if (isArray) {
    const array = object as unknown[];
    hasher.block(TAG_ARRAY, array.length, 0, 0);
    for (let i = 0; i < array.length; i++) mixAt(hasher, array[i], depth + 1, ancestors);
  } else {
    const record = object as Record<string, unknown>;
    const keys = Object.keys(record).filter((key) => record[key] !== undefined).sort();
    hasher.block(TAG_OBJECT, keys.length, 0, 0);
    for (const key of keys) {
      hasher.string(key);
      mixAt(hasher, record[key], depth + 1, ancestors);
    }
  }
  ancestors.pop();
}

/** The canonical digest of a value (see the module header for what counts as equal). */
export function digestValue(value: unknown): Digest128 {
  const hasher = new Hash128(0x51);
  mixValue(hasher, value);
  return hasher.digest();
}
