/** core.seed: the given seed (0 included) or a fresh crypto draw per run with "randomize", reported in ui. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seedNode } from '../../../nodes/core/seed.js';
import { createTestContext } from '../../helpers/node-context.js';
import type { TestNodeContext } from '../../helpers/node-context.js';

async function withContext(fn: (ctx: TestNodeContext) => Promise<void>): Promise<void> {
  const ctx = await createTestContext();
  try {
    await fn(ctx);
  } finally {
    await ctx.dispose();
  }
}

test('seed 0 is a valid seed and comes out as 0', () => withContext(async (ctx) => {
  const result = await seedNode.run({ seed: 0, control: 'fixed' }, ctx);
  assert.equal(result.seed, 0);
  assert.deepEqual(result.ui, { seed: [0] });
}));

test('fixed, increment and decrement use the seed as given (the editor steps it between runs)', () => withContext(async (ctx) => {
  for (const control of ['fixed', 'increment', 'decrement'] as const) {
    const result = await seedNode.run({ seed: 123456789, control }, ctx);
    assert.equal(result.seed, 123456789);
  }
  assert.equal(await seedNode.fingerprint!({ seed: 5, control: 'fixed' }, { folders: ctx.folders, nodeId: '1' }), await seedNode.fingerprint!({ seed: 5, control: 'fixed' }, { folders: ctx.folders, nodeId: '1' }));
}));

test('randomize draws a new safe-integer seed each run, from node:crypto, and records it in ui.seed', () => withContext(async (ctx) => {
  const originalRandom = Math.random;
  // Math.random is not a source of seeds: make any use of it fail the test.
  Math.random = () => {
    throw new Error('Math.random must not be used for seeds');
  };
  try {
    const seeds = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const result = await seedNode.run({ seed: 7, control: 'randomize' }, ctx);
      assert.ok(Number.isSafeInteger(result.seed) && result.seed >= 0, `seed ${result.seed} out of range`);
      assert.deepEqual(result.ui, { seed: [result.seed] });
      seeds.add(result.seed);
    }
    assert.ok(seeds.size >= 19, 'randomized seeds repeat');
    const fingerprints = new Set<unknown>();
    for (let i = 0; i < 5; i++) fingerprints.add(await seedNode.fingerprint!({ seed: 7, control: 'randomize' }, { folders: ctx.folders, nodeId: '1' }));
    assert.equal(fingerprints.size, 5, 'each randomized run must miss the cache');
  } finally {
    Math.random = originalRandom;
  }
}));

test('a seed outside 0..2^53-1 is refused with invalid_input', () => withContext(async (ctx) => {
  for (const seed of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1]) {
    await assert.rejects(async () => seedNode.run({ seed, control: 'fixed' }, ctx), { code: 'invalid_input' });
  }
  assert.deepEqual(seedNode.widgetNames, ['seed', 'control']);
  // The node's own `control` widget is the control: no hidden "control after generate" slot follows the seed.
  assert.equal((seedNode.inputs.seed as { control?: boolean }).control, undefined);
}));
