/**
 * The output cache's index: whatever mix of sets, gets, deletes and clears, it answers exactly
 * as a Map would, with content keys and with arbitrary strings (whose hashes may collide and
 * make long probe runs that deletion must keep intact). The index maps keys to slot numbers
 * whose keys the caller keeps; `SlotTable` below is that caller, as the output cache is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DigestIndex } from '../../../engine/cache/digest-table.js';
import { Hash128 } from '../../../engine/cache/hash.js';

type Operation =
  | { kind: 'set'; key: string; value: number }
  | { kind: 'get' | 'delete'; key: string }
  | { kind: 'clear' };

/** A string → number table on the index, keeping keys and values in slots with a free list. */
class SlotTable {
  readonly index = new DigestIndex();
  private readonly keys: (string | undefined)[] = [];
  private readonly values: number[] = [];
  private readonly free: number[] = [];

  get size(): number {
    return this.index.size;
  }

  get(key: string): number | undefined {
    const slot = this.index.get(key, this.keys);
    return slot < 0 ? undefined : this.values[slot];
  }

  has(key: string): boolean {
    return this.index.get(key, this.keys) >= 0;
  }

  set(key: string, value: number): void {
    // As the output cache does: one probe finds the key or the empty cell it goes into.
    const cell = this.index.find(key, this.keys);
    if (cell >= 0) {
      this.values[this.index.slotAt(cell)] = value;
      return;
    }
    const slot = this.free.pop() ?? this.keys.length;
    this.keys[slot] = key;
    this.values[slot] = value;
    this.index.addAt(cell, key, slot);
  }

  delete(key: string): boolean {
    const slot = this.index.delete(key, this.keys);
    if (slot < 0) return false;
    this.keys[slot] = undefined;
    this.free.push(slot);
    return true;
  }

  clear(): void {
    this.index.clear();
    this.keys.length = 0;
    this.values.length = 0;
    this.free.length = 0;
  }
}

/** Checks every answer against a Map, and at the end that every key the Map holds is found. */
function replay(operations: readonly Operation[]): void {
  const table = new SlotTable();
  const model = new Map<string, number>();
  for (const operation of operations) {
    switch (operation.kind) {
      case 'set':
        table.set(operation.key, operation.value);
        model.set(operation.key, operation.value);
        break;
      case 'get':
        assert.equal(table.get(operation.key), model.get(operation.key));
        assert.equal(table.has(operation.key), model.has(operation.key));
        break;
      case 'delete':
        assert.equal(table.delete(operation.key), model.delete(operation.key));
        break;
      case 'clear':
        table.clear();
        model.clear();
        break;
    }
    assert.equal(table.size, model.size);
  }
  for (const [key, value] of model) assert.equal(table.get(key), value, `key ${JSON.stringify(key)} is still found`);
}

const digests = Array.from({ length: 64 }, (_, i) => new Hash128(3).block(i, 0, 0, 0).digest());

function operations(keys: fc.Arbitrary<string>): fc.Arbitrary<Operation[]> {
  const operation: fc.Arbitrary<Operation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant('set' as const), key: keys, value: fc.integer() }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('get' as const, 'delete' as const), key: keys }) },
    { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
  );
  return fc.array(operation, { maxLength: 300 });
}

test('answers like a Map for content keys', () => {
  fc.assert(fc.property(operations(fc.constantFrom(...digests)), replay), { numRuns: 300 });
});

test('answers like a Map for any strings, including ones that share a hash', () => {
  // Few distinct short strings: many collide in a small table, so probe runs wrap and interleave.
  const keys = fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('', 'a', 'b', 'ab', 'ba', '\u0000', 'x'.repeat(8), '__proto__'));
  fc.assert(fc.property(operations(keys), replay), { numRuns: 300 });
});

test('grows past many thousands of keys and finds each of them after deleting every other one', () => {
  const table = new SlotTable();
  // Enough keys that clearing releases the table instead of keeping it.
  const keys = Array.from({ length: 40_000 }, (_, i) => new Hash128(9).block(i, 1, 2, 3).digest());
  keys.forEach((key, i) => table.set(key, i));
  assert.equal(table.size, keys.length);
  keys.forEach((key, i) => {
    if (i % 2 === 0) assert.equal(table.delete(key), true);
  });
  keys.forEach((key, i) => assert.equal(table.get(key), i % 2 === 0 ? undefined : i));
  table.clear();
  assert.equal(table.size, 0);
  assert.equal(table.get(keys[1]!), undefined);
  table.set(keys[1]!, 1);
  assert.equal(table.get(keys[1]!), 1, 'a released table works again');
});
