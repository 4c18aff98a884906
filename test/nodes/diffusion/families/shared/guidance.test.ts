/**
 * Classifier-free guidance where the network output is read, against hand-computed values:
 * u + cfg·(c − u) on a [negative, positive] batch, the single prediction passed through, and the
 * affine conversion to a clean estimate (ε: x − σ·p; v: x/(σ²+1) − p·σ/√(σ²+1)) in the same pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanEstimate, mixPredictions } from '../../../../../nodes/diffusion/families/shared/guidance.js';

const near = (actual: ArrayLike<number>, expected: number[]) => {
  assert.equal(actual.length, expected.length);
  expected.forEach((v, i) => assert.ok(Math.abs(actual[i]! - v) < 1e-6, `${actual[i]} vs ${v}`));
};

test('cfg mixes [negative, positive]: u + cfg·(c − u); cfg 1 is the positive; one prediction passes through', () => {
  const raw = Float32Array.from([1, 0, 2, -1]);
  near(mixPredictions(raw, 2, 2, 7.5), [8.5, -7.5]);
  near(mixPredictions(raw, 2, 2, 1), [2, -1]);
  near(mixPredictions(Float32Array.from([3, 4]), 2, 1, 7.5), [3, 4]);
  assert.throws(() => mixPredictions(raw, 3, 2, 1), /4 predicted values for a batch of 2 × 3/);
});

test('the clean estimate in the same pass: ε-prediction and v-prediction', () => {
  const x = Float32Array.from([1, 2]);
  const raw = Float32Array.from([1, 0, 2, -1]);
  // ε at σ 2: p = [8.5, −7.5] → x − 2p.
  near(cleanEstimate(x, raw, 2, 7.5, 1, -2), [1 - 17, 2 + 15]);
  // v at σ 1: a = 1/2, b = −1/√2, cfg 1 → p = [2, −1].
  near(cleanEstimate(x, raw, 2, 1, 0.5, -Math.SQRT1_2), [0.5 - 2 * Math.SQRT1_2, 1 + Math.SQRT1_2]);
  near(cleanEstimate(x, Float32Array.from([1, 1]), 1, 7.5, 1, -0.5), [0.5, 1.5]);
  assert.throws(() => cleanEstimate(x, raw, 3, 1, 1, 1), /4 predicted values for a batch of 3 × 2/);
});
