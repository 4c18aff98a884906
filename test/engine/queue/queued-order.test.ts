/**
 * The order queued runs are taken in (higher priority first, FIFO within a priority), kept
 * without walking the queue: after thousands of random submissions, starts, cancellations and
 * re-submissions of ids, the next run, every run's position and the highest priority agree with
 * sorting the queued runs from scratch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createQueuedOrder, type QueuedRun } from '../../../engine/queue/queued-order.js';

/** A small deterministic PRNG (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const byRunOrder = (a: QueuedRun, b: QueuedRun): number => b.priority - a.priority || a.number - b.number;

test('next run, positions and highest priority match a sort of the queued runs through random submissions, starts and cancels', () => {
  const next = random(7);
  const recovered: QueuedRun[] = Array.from({ length: 300 }, (_, i) => ({ id: `old${i}`, priority: Math.floor(next() * 3), number: 1000 - i }));
  const order = createQueuedOrder(recovered);
  const model = new Map(recovered.map((run) => [run.id, run]));
  let number = 1000;
  const check = (): void => {
    const sorted = [...model.values()].sort(byRunOrder);
    assert.equal(order.size, sorted.length);
    assert.equal(order.first(), sorted[0]?.id);
    assert.equal(order.highestPriority(), sorted[0]?.priority);
    sorted.forEach((run, index) => assert.equal(order.position(run.id), index, `position of ${run.id}`));
  };
  check();
  for (let step = 0; step < 4000; step++) {
    const roll = next();
    if (roll < 0.5) {
      // Mostly priority 0, sometimes others (a `front` submission lands one above the highest).
      const priority = next() < 0.8 ? 0 : next() < 0.5 ? (order.highestPriority() ?? 0) + 1 : Math.floor(next() * 5) - 2;
      const run = { id: next() < 0.05 && model.size < 50 ? `again${Math.floor(next() * 10)}` : `r${step}`, priority, number: ++number };
      if (!model.has(run.id)) {
        order.add(run);
        model.set(run.id, run);
      }
    } else if (roll < 0.8) {
      const first = order.first();
      if (first !== undefined) {
        assert.equal(order.remove(first), true);
        model.delete(first);
      }
    } else {
      const ids = [...model.keys()];
      const victim = ids[Math.floor(next() * ids.length)];
      if (victim !== undefined) {
        assert.equal(order.remove(victim), true);
        model.delete(victim);
        assert.equal(order.remove(victim), false);
        assert.equal(order.position(victim), undefined);
      }
    }
    if (step % 97 === 0) check();
  }
  check();
  while (order.first() !== undefined) order.remove(order.first()!);
  assert.equal(order.size, 0);
  assert.equal(order.highestPriority(), undefined);
});

test('a run added out of number order still takes its FIFO place', () => {
  const order = createQueuedOrder([{ id: 'b', priority: 0, number: 5 }]);
  order.add({ id: 'c', priority: 0, number: 9 });
  order.add({ id: 'a', priority: 0, number: 2 });
  assert.deepEqual(['a', 'b', 'c'].map((id) => order.position(id)), [0, 1, 2]);
  assert.equal(order.first(), 'a');
});
