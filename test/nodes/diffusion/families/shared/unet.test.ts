/**
 * The discrete-time families' schedules and UNet helpers: "simple" and "sgm_uniform" sigmas
 * against values read off a small training schedule by hand, every list ending in 0; LCM's
 * guidance embedding (sin ‖ cos of (w − 1)·1000 at geometric frequencies); conditionings of
 * different shapes refused when batched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discreteSigmas, guidanceEmbedding, sgmUniformSigmas, simpleSigmas, stackConditioning } from '../../../../../nodes/diffusion/families/shared/unet.js';
import { scaledLinearSchedule, sigmaAt } from '../../../../../nodes/diffusion/sampling/sigmas.js';
import type { ConditioningValue } from '../../../../../nodes/diffusion/model/types.js';

const schedule = scaledLinearSchedule(0.00085, 0.012, 10);

test('simple takes every (N/steps)-th training sigma from the top; sgm_uniform spaces timesteps evenly without the first', () => {
  assert.deepEqual(simpleSigmas(schedule, 2), [schedule.sigmas[9], schedule.sigmas[4], 0]);
  assert.deepEqual(simpleSigmas(schedule, 5), [schedule.sigmas[9], schedule.sigmas[7], schedule.sigmas[5], schedule.sigmas[3], schedule.sigmas[1], 0]);
  assert.deepEqual(sgmUniformSigmas(schedule, 2), [sigmaAt(schedule, 9), sigmaAt(schedule, 4.5), 0]);
  for (const name of ['normal', 'karras', 'simple', 'sgm_uniform'] as const) {
    const sigmas = discreteSigmas(schedule, name, 4);
    assert.equal(sigmas.length, 5, name);
    assert.equal(sigmas.at(-1), 0, name);
    for (let i = 1; i < sigmas.length; i++) assert.ok(sigmas[i]! < sigmas[i - 1]!, `${name} decreases`);
  }
  assert.throws(() => discreteSigmas(schedule, 'normal', 0), /steps must be a positive integer/);
});

test("LCM's guidance embedding: sin then cos of (w − 1)·1000·10000^(−i/(half − 1)), one row per batch item", () => {
  const e = guidanceEmbedding(8.5, 2, 8);
  const w = 7500;
  for (let i = 0; i < 4; i++) {
    const angle = w * Math.exp((-Math.log(10000) / 3) * i);
    assert.ok(Math.abs(e[i]! - Math.sin(angle)) < 1e-6);
    assert.ok(Math.abs(e[4 + i]! - Math.cos(angle)) < 1e-6);
    assert.equal(e[8 + i], e[i]);
  }
  assert.deepEqual([...guidanceEmbedding(1, 1, 4)], [0, 0, 1, 1], 'guidance 1 embeds a zero angle');
});

test('conditionings are stacked into a batch, and differing shapes are refused', () => {
  const cond = (values: number[]): ConditioningValue => ({ kind: 'conditioning', family: 'sd15', model: 'm', truncated: 0, tensors: { hidden: { dims: [1, values.length, 1], data: Float32Array.from(values) } } });
  const stacked = stackConditioning([cond([1, 2]), cond([3, 4])], 'hidden');
  assert.deepEqual(stacked.dims, [2, 2, 1]);
  assert.deepEqual([...stacked.data], [1, 2, 3, 4]);
  assert.throws(() => stackConditioning([cond([1, 2]), cond([3])], 'hidden'), /differ in hidden shape/);
  assert.throws(() => stackConditioning([cond([1])], 'pooled'), /no pooled tensor/);
});
