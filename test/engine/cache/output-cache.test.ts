/** The output cache: LRU within a byte budget, stats, oversize entries, clear. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OutputCache } from '../../../engine/cache/output-cache.js';
import { estimateEntryBytes } from '../../../engine/cache/entry-size.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { createImage } from '../../../engine/nodes/values.js';

const entry = (value: unknown) => ({ outputs: [value] });

test('keeps entries within the byte budget, evicting the least recently used first', () => {
  const cache = new OutputCache({ maxBytes: 300 });
  cache.set('a', entry(1), 100);
  cache.set('b', entry(2), 100);
  cache.set('c', entry(3), 100);
  assert.deepEqual(cache.get('a')?.outputs, [1], 'a is now the most recently used');
  cache.set('d', entry(4), 100);
  assert.equal(cache.get('b'), undefined, 'b was the least recently used and is gone');
  assert.deepEqual(cache.get('c')?.outputs, [3]);
  assert.deepEqual(cache.get('d')?.outputs, [4]);
  assert.deepEqual(cache.stats(), { hits: 3, misses: 1, evictions: 1, entries: 3, bytes: 300, maxBytes: 300 });
  cache.set('big', entry(5), 250);
  assert.equal(cache.stats().evictions, 4, 'as many as needed are evicted (all three older ones)');
  assert.equal(cache.stats().entries, 1);
  assert.equal(cache.stats().bytes, 250);
});

test('an entry larger than the whole budget is not kept (and replaces nothing)', () => {
  const cache = new OutputCache({ maxBytes: 100 });
  cache.set('small', entry(1), 40);
  assert.equal(cache.set('huge', entry(2), 101), false);
  assert.equal(cache.get('huge'), undefined);
  assert.deepEqual(cache.get('small')?.outputs, [1]);
  assert.equal(cache.stats().evictions, 0);
  assert.equal(cache.set('small', entry(3), 500), false, 'an oversize update drops the old value instead of keeping a stale one');
  assert.equal(cache.get('small'), undefined);
  assert.equal(cache.stats().bytes, 0);
});

test('replacing an entry updates the byte count; delete and clear free bytes', () => {
  const cache = new OutputCache({ maxBytes: 1000 });
  cache.set('a', entry(1), 100);
  cache.set('a', entry(2), 300);
  assert.equal(cache.stats().bytes, 300);
  assert.equal(cache.stats().entries, 1);
  cache.set('b', entry(3), 10);
  assert.equal(cache.delete('a'), true);
  assert.equal(cache.delete('a'), false);
  assert.equal(cache.stats().bytes, 10);
  cache.clear();
  assert.deepEqual({ ...cache.stats(), hits: 0, misses: 0 }, { hits: 0, misses: 0, evictions: 0, entries: 0, bytes: 0, maxBytes: 1000 });
  assert.equal(cache.get('b'), undefined);
});

test('a zero budget keeps nothing; a bad budget or size is refused or treated as empty', () => {
  const none = new OutputCache({ maxBytes: 0 });
  assert.equal(none.set('a', entry(1), 1), false);
  assert.equal(none.stats().entries, 0);
  for (const maxBytes of [-1, Number.NaN, Number.POSITIVE_INFINITY]) assert.throws(() => new OutputCache({ maxBytes }), RangeError);
  const cache = new OutputCache({ maxBytes: 10 });
  cache.set('nan', entry(1), Number.NaN);
  assert.equal(cache.stats().bytes, 0);
});

test('entry sizes come from the data type sizeOf, else from the generic estimate', () => {
  const registry = new NodeRegistry();
  const dataType = (name: string) => registry.dataType(name);
  const image = createImage(10, 10);
  const imageBytes = estimateEntryBytes([image], ['IMAGE'], undefined, dataType);
  assert.ok(imageBytes >= 10 * 10 * 3 * 4 && imageBytes < 10 * 10 * 3 * 4 + 1000);
  const latent = { kind: 'latent', samples: { dims: [1, 4, 8, 8], data: new Float32Array(256) } };
  assert.ok(estimateEntryBytes([latent], ['LATENT'], undefined, dataType) >= 1024, 'a type without sizeOf is walked');
  registry.addDataTypes([{ name: 'THROWS', sizeOf: () => { throw new Error('cannot measure'); } }]);
  assert.ok(estimateEntryBytes([new Float32Array(100)], ['THROWS'], undefined, dataType) >= 400, 'a failing sizeOf falls back');
  const withUi = estimateEntryBytes([], [], { text: ['x'.repeat(1000)] }, dataType);
  assert.ok(withUi >= 2000, 'the ui counts too');
});

test('answers like a reference LRU under any mix of sets, gets, deletes and clears', () => {
  // The reference: a Map in recency order (least recently used first), evicting from the front.
  const keys = fc.constantFrom(...Array.from({ length: 40 }, (_, i) => `k${i}`));
  const operation = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), key: keys, bytes: fc.integer({ min: 0, max: 120 }) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('get' as const), key: keys }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keys }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  );
  fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.array(operation, { maxLength: 400 }), (maxBytes, operations) => {
    const cache = new OutputCache({ maxBytes });
    const model = new Map<string, { value: number; bytes: number }>();
    let total = 0;
    let evictions = 0;
    operations.forEach((op, step) => {
      if (op.kind === 'set') {
        const old = model.get(op.key);
        if (old) {
          total -= old.bytes;
          model.delete(op.key);
        }
        const stored = op.bytes <= maxBytes;
        assert.equal(cache.set(op.key, entry(step), op.bytes), stored);
        if (stored) {
          model.set(op.key, { value: step, bytes: op.bytes });
          total += op.bytes;
          for (const [key, held] of model) {
            if (total <= maxBytes) break;
            model.delete(key);
            total -= held.bytes;
            evictions++;
          }
        }
      } else if (op.kind === 'get') {
        const held = model.get(op.key);
        assert.deepEqual(cache.get(op.key)?.outputs, held === undefined ? undefined : [held.value]);
        if (held) {
          model.delete(op.key);
          model.set(op.key, held);
        }
      } else if (op.kind === 'delete') {
        const held = model.get(op.key);
        assert.equal(cache.delete(op.key), held !== undefined);
        if (held) {
          model.delete(op.key);
          total -= held.bytes;
        }
      } else {
        cache.clear();
        model.clear();
        total = 0;
      }
      const stats = cache.stats();
      assert.equal(stats.entries, model.size);
      assert.equal(stats.bytes, total);
      assert.equal(stats.evictions, evictions);
    });
  }), { numRuns: 300 });
});

test('holds tens of thousands of entries, evicts the oldest and works again after a clear', () => {
  const cache = new OutputCache({ maxBytes: 30_000 });
  for (let i = 0; i < 40_000; i++) cache.set(`key ${i}`, entry(i), 1);
  assert.equal(cache.stats().entries, 30_000);
  assert.equal(cache.get('key 9999'), undefined, 'the oldest 10,000 are gone');
  assert.deepEqual(cache.get('key 10000')?.outputs, [10_000]);
  cache.clear();
  assert.equal(cache.get('key 10000'), undefined);
  cache.set('again', entry(1), 1);
  assert.deepEqual(cache.get('again')?.outputs, [1]);
  assert.equal(cache.stats().entries, 1);
});
