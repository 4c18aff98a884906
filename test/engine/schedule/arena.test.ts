/** Typed arrays carved from one buffer: zeroed, aligned, disjoint, and never more than reserved. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Arena } from '../../../engine/schedule/arena.js';

test('views are zeroed, do not overlap, and refuse to go past what was reserved, small or large', () => {
  // 51 bytes in all (each array on its own) and 5,100 bytes (views of one buffer).
  for (const scale of [1, 100]) {
    const arena = new Arena(3 * scale, 5 * scale, 7 * scale);
    const floats = arena.float64(3 * scale);
    const words = arena.int32(2 * scale);
    const more = arena.int32(3 * scale);
    const bytes = arena.uint8(7 * scale);
    for (const view of [floats, words, more, bytes]) assert.ok(view.every((value) => value === 0));
    floats.fill(1.5);
    words.fill(-1);
    more.fill(7);
    bytes.fill(255);
    assert.ok(floats.every((value) => value === 1.5));
    assert.ok(words.every((value) => value === -1));
    assert.ok(more.every((value) => value === 7));
    assert.ok(bytes.every((value) => value === 255));
    assert.throws(() => arena.int32(1), RangeError);
    assert.throws(() => arena.uint8(1), RangeError);
    assert.throws(() => arena.float64(1), RangeError);
  }
  const empty = new Arena(0, 0, 0);
  assert.equal(empty.int32(0).length, 0);
});
