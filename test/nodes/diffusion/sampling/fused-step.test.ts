/**
 * The fused sampler step against the passes it replaces, bit for bit: for every sampler (flow
 * and discrete where they differ), a guided batch of 2 and a single prediction, first and later
 * steps, the result equals cleanEstimate (cfg mix + affine map), then the sampler's own array
 * step from steps.ts, then the next network input (x·k per batch item). Odd sizes and values
 * that stress rounding are used; mismatched buffers are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanEstimate } from '../../../../nodes/diffusion/families/shared/guidance.js';
import { scaleInto } from '../../../../nodes/diffusion/families/shared/unet.js';
import { SAMPLERS, type SamplerName } from '../../../../nodes/diffusion/model/types.js';
import { fusedStep, stepRule } from '../../../../nodes/diffusion/sampling/fused-step.js';
import { ddimStep, dpmpp2mStep, eulerAncestralFlowStep, eulerAncestralStep, eulerStep, lcmStep } from '../../../../nodes/diffusion/sampling/steps.js';

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function values(random: () => number, length: number, spread: number): Float32Array {
  return Float32Array.from({ length }, () => (random() * 2 - 1) * spread);
}

function bits(a: Float32Array): number[] {
  return [...new Uint32Array(a.buffer, a.byteOffset, a.length)];
}

/** The unfused reference: the three passes the sampler ran before (sample.ts's applyStep). */
function reference(sampler: SamplerName, flow: boolean, x: Float32Array, denoised: Float32Array, previous: Float32Array | null, sigmaPrev: number, sigma: number, next: number, noise: Float32Array): void {
  switch (sampler) {
    case 'euler_ancestral':
      if (flow) eulerAncestralFlowStep(x, denoised, sigma, next, noise);
      else eulerAncestralStep(x, denoised, sigma, next, noise);
      return;
    case 'ddim':
      ddimStep(x, denoised, sigma, next);
      return;
    case 'lcm':
      if (flow) for (let i = 0; i < x.length; i++) x[i] = (1 - next) * denoised[i]! + next * noise[i]!;
      else lcmStep(x, denoised, next, noise);
      return;
    case 'dpmpp_2m':
      dpmpp2mStep(x, denoised, previous, sigmaPrev, sigma, next);
      return;
    default:
      eulerStep(x, denoised, sigma, next);
  }
}

const SIZE = 101;

test('every sampler: the fused pass equals cleanEstimate + the array step + the input scaling, bit for bit', () => {
  const random = lcg(7);
  // [σ_prev, σ, σ_next] for a discrete and a flow schedule, including the last step to 0.
  const discrete = [[14.6, 9.7, 6.1], [1.2, 0.55, 0.03], [0.4, 0.03, 0]] as const;
  const flowSteps = [[1, 0.92, 0.71], [0.5, 0.33, 0.08], [0.2, 0.08, 0]] as const;
  for (const sampler of SAMPLERS) {
    for (const flow of [false, true]) {
      for (const [sigmaPrev, sigma, next] of flow ? flowSteps : discrete) {
        for (const batch of [1, 2]) {
          for (const first of [true, false]) {
            const label = `${sampler} flow=${flow} σ ${sigma}→${next} batch ${batch} first=${first}`;
            const x = values(random, SIZE, flow ? 1.5 : sigma * 3);
            const raw = values(random, SIZE * batch, 2);
            const noise = values(random, SIZE, 3);
            const previous = first ? null : values(random, SIZE, 1);
            const cfg = batch === 2 ? 7.5 : 1;
            const [a, b] = flow ? [1, -sigma] : sampler === 'ddim' ? [1 / (sigma * sigma + 1), -sigma / Math.sqrt(sigma * sigma + 1)] : [1, -sigma];
            const k = flow ? 1 : 1 / Math.sqrt(next * next + 1);

            const expectedX = x.slice();
            const expectedDenoised = cleanEstimate(expectedX, raw, batch, cfg, a, b);
            reference(sampler, flow, expectedX, expectedDenoised, previous, sigmaPrev, sigma, next, noise);
            const expectedInput = new Float32Array(SIZE * batch);
            scaleInto(expectedInput, expectedX, k, batch);

            const actualX = x.slice();
            const denoised = new Float32Array(SIZE);
            const input = new Float32Array(SIZE * batch);
            const rule = stepRule(sampler, flow, sigmaPrev, sigma, next, first);
            fusedStep({ x: actualX, raw, batch, cfg, a, b, rule, noise, previous: previous ?? undefined, denoised, input, inputScale: k });
            assert.deepEqual(bits(actualX), bits(expectedX), `${label}: x`);
            assert.deepEqual(bits(denoised), bits(expectedDenoised), `${label}: clean estimate`);
            assert.deepEqual(bits(input), bits(expectedInput), `${label}: next input`);
          }
        }
      }
    }
  }
});

test('the fused pass refuses buffers that do not fit', () => {
  const x = new Float32Array(4);
  const base = { x, raw: new Float32Array(8), batch: 2, cfg: 2, a: 1, b: -1, denoised: new Float32Array(4), input: new Float32Array(8), inputScale: 1 };
  assert.throws(() => fusedStep({ ...base, raw: new Float32Array(6), rule: stepRule('euler', false, 2, 1, 0.5, true) }), /6 predicted values for a batch of 2 × 4/);
  assert.throws(() => fusedStep({ ...base, batch: 3, rule: stepRule('euler', false, 2, 1, 0.5, true) }), /batch of 1 or 2/);
  assert.throws(() => fusedStep({ ...base, rule: stepRule('euler_ancestral', false, 2, 1, 0.5, true) }), /draws 4 noise values; 0 were given/);
  assert.throws(() => fusedStep({ ...base, rule: stepRule('dpmpp_2m', false, 2, 1, 0.5, false) }), /reads the previous clean estimate/);
  assert.throws(() => fusedStep({ ...base, input: new Float32Array(4), rule: stepRule('ddim', false, 2, 1, 0.5, true) }), /input holds 4 values, 8 needed/);
});
