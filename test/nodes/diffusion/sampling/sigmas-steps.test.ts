/**
 * Noise schedules and sampler steps against values computed by hand (an independent
 * double-precision computation of the same formulas): SD's scaled-linear training sigmas,
 * the "normal" and "karras" schedules, flow-matching sigmas with SD3's shift, and one step of
 * Euler, Euler ancestral, flow-matching Euler, DDIM, LCM, DPM++ 2M and Euler ancestral for flow
 * models.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { flowMatchingSigmas, karrasSigmas, normalSigmas, scaledLinearSchedule, sigmaAt } from '../../../../nodes/diffusion/sampling/sigmas.js';
import { ancestralSigmas, ddimStep, eulerAncestralStep, eulerStep, flowEulerStep, lcmStep, dpmpp2mStep, eulerAncestralFlowStep } from '../../../../nodes/diffusion/sampling/steps.js';

function near(actual: number, expected: number, tolerance = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} vs ${expected}`);
}

function nearAll(actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-9): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) near(actual[i]!, expected[i]!, tolerance);
}

const schedule = scaledLinearSchedule();

test('the scaled-linear training schedule spans sigma 0.02917 to 14.6146 (SD 1.x/2.x/SDXL)', () => {
  assert.equal(schedule.sigmas.length, 1000);
  near(schedule.sigmas[0]!, 0.029167158151720367);
  near(schedule.sigmas[999]!, 14.614641229333646);
  near(schedule.sigmas[499]!, 1.612886194303876);
  // Between integer timesteps, log-sigma is interpolated.
  near(sigmaAt(schedule, 499.5), 1.6155802601603273);
});

test('"normal" spaces timesteps evenly from the last to the first and ends with 0', () => {
  nearAll(normalSigmas(schedule, 3), [14.614641229333646, 1.6155802601603273, 0.029167158151720367, 0]);
  nearAll(normalSigmas(schedule, 1), [14.614641229333646, 0]);
  assert.throws(() => normalSigmas(schedule, 0), /steps must be a positive integer/);
});

test('"karras" spaces sigmas with rho 7 between the bounds', () => {
  nearAll(karrasSigmas(0.1, 10, 3), [10, 1.4507321135661928, 0.1, 0]);
});

test('flow matching runs t from 1 to 0, shifted as SD3 does', () => {
  nearAll(flowMatchingSigmas(4, 3), [1, 0.9, 0.75, 0.5, 0]);
  nearAll(flowMatchingSigmas(4, 1), [1, 0.75, 0.5, 0.25, 0]);
});

test('one Euler step: x + (x − denoised)/σ · (σ_next − σ)', () => {
  // d = (1 − 0.2)/2 = 0.4; x = 1 + 0.4·(1 − 2) = 0.6. And for −3 → denoised 1: d = −2, x = −3 + 2 = −1.
  nearAll(eulerStep(Float32Array.from([1, -3]), [0.2, 1], 2, 1), [0.6, -1], 1e-6);
});

test('one Euler ancestral step: to σ_down, plus noise of σ_up', () => {
  const { up, down } = ancestralSigmas(2, 1);
  near(up, Math.sqrt(0.75));
  near(down, 0.5);
  // x = 1 + 0.4·(0.5 − 2) + 0.1·√0.75
  nearAll(eulerAncestralStep(Float32Array.from([1]), [0.2], 2, 1, [0.1]), [0.4 + 0.1 * Math.sqrt(0.75)], 1e-6);
  // The last step (σ_next = 0) adds no noise and lands on denoised.
  nearAll(eulerAncestralStep(Float32Array.from([1]), [0.2], 2, 0, [5]), [0.2], 1e-6);
});

test('one flow-matching Euler step: x + v·(σ_next − σ); mismatched sizes are refused', () => {
  nearAll(flowEulerStep(Float32Array.from([0.5, 0]), [1, -2], 0.9, 0.75), [0.35, 0.3], 1e-6);
  assert.throws(() => flowEulerStep(new Float32Array(2), [1], 1, 0), /flow euler: 2 latent values but 1/);
});

test('one DDIM step (eta 0): denoised + σ_next·ε, the same point Euler reaches', () => {
  // ε = (1 − 0.2)/2 = 0.4; x = 0.2 + 1·0.4 = 0.6.
  nearAll(ddimStep(Float32Array.from([1, -3]), [0.2, 1], 2, 1), [0.6, -1], 1e-6);
  const x = Float32Array.from([0.3, -1.7, 2.2]);
  const denoised = [0.1, 0.4, -0.5];
  nearAll(ddimStep(Float32Array.from(x), denoised, 3.5, 1.25), Array.from(eulerStep(Float32Array.from(x), denoised, 3.5, 1.25)), 1e-6);
});

test('one LCM step: the clean estimate re-noised to σ_next; the last step is the clean estimate', () => {
  nearAll(lcmStep(Float32Array.from([9, 9]), [0.2, -0.4], 0.5, [1, -2]), [0.7, -1.4], 1e-6);
  nearAll(lcmStep(Float32Array.from([9]), [0.2], 0, [1]), [0.2], 1e-6);
});

test('DPM++ 2M: first-order on the first step, second-order after, the clean estimate at σ = 0 (hand-computed)', () => {
  // σ 2 → 1: h = ln 2, ratio 0.5, gain 1 − e^−h = 0.5.
  assert.deepEqual([...dpmpp2mStep(Float32Array.from([1]), [0.5], null, 2, 2, 1)], [0.75]);
  // With the previous estimate 0.2 from σ 4: r = 1, D = 1.5·0.5 − 0.5·0.2 = 0.65; x = 0.5 + 0.5·0.65.
  assert.ok(Math.abs(dpmpp2mStep(Float32Array.from([1]), [0.5], [0.2], 4, 2, 1)[0]! - 0.825) < 1e-6);
  assert.deepEqual([...dpmpp2mStep(Float32Array.from([1, 2]), [0.25, -0.5], [0, 0], 4, 2, 0)], [0.25, -0.5]);
});

test('Euler ancestral for flow models: hand-computed step, eta 0 is plain Euler, the clean-part weight stays 1 − σ_next', () => {
  // σ 0.8 → 0.4, eta 1: σ_down 0.2, renoise √(0.16 − 0.04·0.36/0.64) = √0.1375, ratio 0.25, rescale 0.75.
  const x = eulerAncestralFlowStep(Float32Array.from([1]), [0.2], 0.8, 0.4, [0.5]);
  assert.ok(Math.abs(x[0]! - (0.75 * (0.25 + 0.75 * 0.2) + 0.5 * Math.sqrt(0.1375))) < 1e-6);
  const plain = eulerAncestralFlowStep(Float32Array.from([1]), [0.2], 0.8, 0.4, [0.5], 0);
  const euler = eulerStep(Float32Array.from([1]), [0.2], 0.8, 0.4);
  assert.ok(Math.abs(plain[0]! - euler[0]!) < 1e-6);
  // x = 0.2·d + 0.8·n (d = 1, n = 0): after the step the clean part weighs 1 − 0.4.
  const clean = eulerAncestralFlowStep(Float32Array.from([0.2]), [1], 0.8, 0.4, [0]);
  assert.ok(Math.abs(clean[0]! - 0.6) < 1e-6);
});
