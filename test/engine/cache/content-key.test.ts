/** Content keys and value digests: what changes a key and what must not. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeContentKey, lazyResultKey, type KeyedType } from '../../../engine/cache/content-key.js';
import { digestValue } from '../../../engine/cache/value-hash.js';
import { Hash128, hashBytes, hashString, keyToHex } from '../../../engine/cache/hash.js';

const blur: KeyedType = { type: 'image.blur', version: 1, inputNames: ['image', 'radius', 'mode'] };
const upstream = hashString('upstream');

function key(type: KeyedType, radius: unknown, extra: Partial<Record<string, unknown>> = {}) {
  return computeContentKey(type, { image: { kind: 'link', upstream, output: 0 }, radius: { kind: 'literal', value: radius }, ...extra } as never);
}

test('a key depends on type, version, literals, upstream identity and output index', () => {
  const base = key(blur, 2);
  assert.equal(key(blur, 2), base, 'deterministic');
  assert.notEqual(key(blur, 3), base);
  assert.notEqual(key({ ...blur, version: 2 }, 2), base);
  assert.notEqual(key({ ...blur, type: 'image.sharpen' }, 2), base);
  assert.notEqual(computeContentKey(blur, { image: { kind: 'link', upstream: hashString('other'), output: 0 }, radius: { kind: 'literal', value: 2 } }), base);
  assert.notEqual(computeContentKey(blur, { image: { kind: 'link', upstream, output: 1 }, radius: { kind: 'literal', value: 2 } }), base);
  assert.notEqual(computeContentKey(blur, { image: { kind: 'lazy' }, radius: { kind: 'literal', value: 2 } }), base);
  assert.notEqual(key(blur, '2'), base, 'the string "2" is not the number 2');
  assert.notEqual(key(blur, 2, { mode: { kind: 'literal', value: 'fast' } }), base);
});

test('a key does not depend on input order given, object key order, or 0 vs -0', () => {
  const a = computeContentKey(blur, { radius: { kind: 'literal', value: { x: 1, y: [1, 2] } }, image: { kind: 'link', upstream, output: 0 } });
  const b = computeContentKey(blur, { image: { kind: 'link', upstream, output: 0 }, radius: { kind: 'literal', value: { y: [1, 2], x: 1 } } });
  assert.equal(a, b);
  assert.equal(key(blur, 0), key(blur, -0));
  assert.equal(key(blur, 2, { unknown: { kind: 'literal', value: 1 } }), key(blur, 2), 'undeclared inputs are ignored');
});

test('the same value under another input name gives another key', () => {
  const two: KeyedType = { type: 't', version: 1, inputNames: ['a', 'b'] };
  assert.notEqual(computeContentKey(two, { a: { kind: 'literal', value: 1 } }), computeContentKey(two, { b: { kind: 'literal', value: 1 } }));
  const swapped: KeyedType = { type: 't', version: 1, inputNames: ['b', 'a'] };
  const original = computeContentKey(two, { a: { kind: 'literal', value: 1 }, b: { kind: 'literal', value: 2 } });
  assert.notEqual(computeContentKey(swapped, { b: { kind: 'literal', value: 1 }, a: { kind: 'literal', value: 2 } }), original, 'reordered inputs cannot collide');
});

test('the fingerprint enters the key', () => {
  const inputs = { radius: { kind: 'literal', value: 1 } } as const;
  assert.notEqual(computeContentKey(blur, inputs, { value: 'hash-a' }), computeContentKey(blur, inputs, { value: 'hash-b' }));
  assert.notEqual(computeContentKey(blur, inputs, { value: undefined }), computeContentKey(blur, inputs));
});

test('lazy result keys depend on which lazy inputs were asked for and what they were', () => {
  const base = computeContentKey(blur, { image: { kind: 'lazy' } });
  const none = lazyResultKey(blur, base, []);
  const asked = lazyResultKey(blur, base, [{ inputIndex: 0, upstream, output: 0 }]);
  assert.notEqual(none, asked);
  assert.notEqual(lazyResultKey(blur, base, [{ inputIndex: 0, upstream: hashString('x'), output: 0 }]), asked);
  assert.equal(
    lazyResultKey(blur, base, [{ inputIndex: 2, upstream, output: 0 }, { inputIndex: 0, upstream, output: 1 }]),
    lazyResultKey(blur, base, [{ inputIndex: 0, upstream, output: 1 }, { inputIndex: 2, upstream, output: 0 }]),
  );
});

test('value digests: canonical for plain data, by bytes for typed arrays, by identity for other objects', () => {
  assert.equal(digestValue({ a: 1, b: { c: [1, 'x'] } }), digestValue({ b: { c: [1, 'x'] }, a: 1 }));
  assert.equal(digestValue({ a: 1, gone: undefined }), digestValue({ a: 1 }));
  assert.notEqual(digestValue([1, 2]), digestValue([2, 1]));
  assert.notEqual(digestValue([]), digestValue({}));
  assert.notEqual(digestValue(null), digestValue(undefined));
  assert.notEqual(digestValue(1), digestValue(1.5));
  assert.equal(digestValue(Number.NaN), digestValue(0 / 0));
  assert.notEqual(digestValue(10n), digestValue('10'));
  const image = { kind: 'image', width: 2, height: 1, count: 1, data: new Float32Array([0, 0.5, 1, 0, 0.5, 1]) };
  assert.equal(digestValue(image), digestValue({ ...image, data: new Float32Array(image.data) }), 'same pixels, same digest');
  assert.notEqual(digestValue(image), digestValue({ ...image, data: new Float32Array([0, 0.5, 1, 0, 0.5, 0.9]) }));
  assert.notEqual(digestValue(new Float32Array([1])), digestValue(new Int32Array(new Float32Array([1]).buffer)), 'element kind counts');
  assert.equal(digestValue(new Date(5)), digestValue(new Date(5)));
  class Session {}
  const session = new Session();
  assert.equal(digestValue({ s: session }), digestValue({ s: session }));
  assert.notEqual(digestValue({ s: session }), digestValue({ s: new Session() }));
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  cyclic.again = cyclic;
  assert.equal(digestValue(cyclic), digestValue(cyclic), 'cycles end');
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.equal(typeof digestValue(deep), 'string', 'deep nesting does not overflow the stack');
});

test('the hash: bytes at any alignment, distinct strings, hex form', () => {
  const buffer = new Uint8Array(64).map((_, i) => i * 7);
  const aligned = new Uint8Array(buffer.buffer, 4, 37);
  const unaligned = new Uint8Array(37);
  unaligned.set(aligned);
  const offset = new Uint8Array(40);
  offset.set(aligned, 3);
  assert.equal(hashBytes(aligned), hashBytes(unaligned));
  assert.equal(hashBytes(new Uint8Array(offset.buffer, 3, 37)), hashBytes(aligned), 'an unaligned view hashes the same bytes the same');
  assert.notEqual(hashBytes(new Uint8Array([1, 0])), hashBytes(new Uint8Array([1])), 'trailing zero bytes count');
  assert.notEqual(hashString('ab'), hashString('ab\u0000'));
  const large = new Float32Array(10_000).map((_, i) => i / 7);
  const largeCopy = new Uint8Array(large.byteLength + 1);
  largeCopy.set(new Uint8Array(large.buffer), 1);
  assert.equal(hashBytes(new Uint8Array(largeCopy.buffer, 1, large.byteLength)), hashBytes(large), 'large runs: same bytes, same digest');
  const changed = new Float32Array(large);
  changed[9_999] = 0;
  assert.notEqual(hashBytes(changed), hashBytes(large));
  assert.notEqual(hashBytes(large.subarray(0, 9_999)), hashBytes(large));
  const seen = new Set<string>();
  for (let i = 0; i < 50_000; i++) seen.add(hashString(`k${i}`));
  assert.equal(seen.size, 50_000);
  assert.match(keyToHex(hashString('x')), /^[0-9a-f]{32}$/);
  const state = new Hash128().string('prefix').save();
  assert.equal(new Hash128(state).string('rest').digest(), new Hash128().string('prefix').string('rest').digest(), 'a saved state resumes');
});
