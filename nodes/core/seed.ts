/**
 * `core.seed`: a seed for samplers. With control "randomize" every run draws a fresh seed from
 * node:crypto (its fingerprint is a fresh draw too, so the cache never replays an old one) and
 * reports it in `ui.seed` so the run can be reproduced. "fixed", "increment" and "decrement"
 * use the seed as given: stepping it between runs is the editor's job, as in ComfyUI.
 */
import { randomInt } from 'node:crypto';
import { SwitchyardError, defineNode } from '../../engine/nodes/index.js';
import { MAX_SAFE } from './primitives.js';

export const SEED_CONTROLS = ['fixed', 'randomize', 'increment', 'decrement'] as const;

/** A uniform seed in 0..2^53-1 (randomInt alone spans at most 2^48, so two draws are joined). */
export function drawSeed(): number {
  const high = randomInt(0, 2 ** 21);
  const low = randomInt(0, 2 ** 32);
  return high * 2 ** 32 + low;
}

export const seedNode = defineNode({
  type: 'core.seed',
  title: 'Seed',
  category: 'utils/primitive',
  description: 'A seed; "randomize" draws a new one on every run and shows it.',
  inputs: {
    seed: { type: 'INT', default: 0, min: 0, max: MAX_SAFE },
    control: { type: 'COMBO', options: SEED_CONTROLS, default: 'fixed', tooltip: 'randomize: a new seed each run; the others use the seed as given.' },
  },
  outputs: { seed: { type: 'INT' } },
  fingerprint: (inputs) => (inputs.control === 'randomize' ? `random:${drawSeed()}` : 'given'),
  run(inputs) {
    const seed = inputs.control === 'randomize' ? drawSeed() : inputs.seed;
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new SwitchyardError('invalid_input', `seed must be an integer from 0 to ${MAX_SAFE}, got ${String(seed)}`, { input: 'seed', value: seed });
    }
    return { seed, ui: { seed: [seed] } };
  },
});
