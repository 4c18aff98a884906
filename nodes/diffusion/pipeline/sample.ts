/**
 * The sampler loop, written once for every family (KSampler and the text-to-image shortcut both
 * run it). Per latent item: seeded noise at the first sigma (x + σ·n for discrete models,
 * (1−σ)·x + σ·n for flow models), then per step the family's `denoise` on
 * [negative, positive] with classifier-free guidance (or the positive branch alone when cfg is 1
 * or the model embeds guidance), one sampler update, progress, and every few steps a cheap
 * preview; an interruption stops between steps. `denoise` < 1 starts part way down a longer
 * schedule (img2img). Noise comes from our seeded PRNG: the same seed gives the same latents
 * bit for bit on the same model and providers; 0 is a seed like any other.
 */
import { SwitchyardError, type ImageValue, type LatentValue } from '../../../engine/nodes/index.js';
import type { ConditioningValue, DiffusionRuntime, LatentShape, SamplerName, SchedulerName } from '../model/types.js';
import { createScratch } from './scratch.js';
import { SeededRandom } from '../sampling/noise.js';
import { ddimStep, dpmpp2mStep, eulerAncestralFlowStep, eulerAncestralStep, eulerStep, lcmStep } from '../sampling/steps.js';
import { latentFor, previewImage, toModelSpace, toRawSpace } from './latent.js';

export interface SampleRequest {
  positive: ConditioningValue;
  /** Needed unless cfg is 1 or the model embeds guidance. */
  negative?: ConditioningValue;
  /** Raw latents to start from (zeros for text to image). */
  latent: LatentValue;
  seed: number;
  steps: number;
  cfg: number;
  sampler: SamplerName;
  scheduler: SchedulerName;
  /** 0..1: how much of the schedule to run (1: all of it, text to image). */
  denoise?: number;
  /** Add the seed's noise first (default true). */
  addNoise?: boolean;
  signal?: AbortSignal;
  onStep?: (done: number, total: number) => void;
  /** Called every `previewEvery` steps with a cheap picture of the current estimate. */
  onPreview?: (image: ImageValue) => void;
  previewEvery?: number;
}

function checkConditioning(runtime: DiffusionRuntime, cond: ConditioningValue | undefined, role: string): void {
  if (!cond) return;
  if (cond.kind !== 'conditioning') throw new SwitchyardError('invalid_input', `the ${role} input is not CONDITIONING`, { input: role });
  if (cond.family !== runtime.family) {
    throw new SwitchyardError('invalid_input', `the ${role} conditioning was made by a ${cond.family} text encoder (model ${cond.model}), but model ${runtime.id} is ${runtime.family}: encode the prompt with the same checkpoint's CLIP`, { input: role, family: cond.family, expected: runtime.family });
  }
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/** The sigmas to run: all `steps`, or the last `steps` of a longer schedule when denoise < 1. */
export function samplingSigmas(runtime: DiffusionRuntime, scheduler: SchedulerName, steps: number, denoise: number, shape?: LatentShape): number[] {
  if (denoise >= 1) return runtime.sigmas(scheduler, steps, shape);
  const total = Math.max(steps, Math.floor(steps / denoise));
  return runtime.sigmas(scheduler, total, shape).slice(-(steps + 1));
}

export async function sample(runtime: DiffusionRuntime, request: SampleRequest): Promise<LatentValue> {
  const denoise = request.denoise ?? 1;
  if (!(denoise >= 0 && denoise <= 1)) throw new SwitchyardError('invalid_input', `denoise must be between 0 and 1, got ${String(denoise)}`, { denoise });
  checkConditioning(runtime, request.positive, 'positive');
  checkConditioning(runtime, request.negative, 'negative');
  const single = runtime.embedsGuidance || request.cfg === 1;
  if (!single && !request.negative) throw new SwitchyardError('invalid_input', 'classifier-free guidance (cfg ≠ 1) needs a negative conditioning', { cfg: request.cfg });
  const { batch, shape, data } = latentFor(runtime, request.latent);
  if (denoise === 0 || request.steps === 0) return { kind: 'latent', samples: { dims: [batch, shape.channels, shape.height, shape.width], data: data.slice() } };

  const sigmas = samplingSigmas(runtime, request.scheduler, request.steps, denoise, shape);
  const steps = sigmas.length - 1;
  const size = shape.channels * shape.height * shape.width;
  const random = new SeededRandom(request.seed);
  const noise = request.addNoise === false ? new Float32Array(batch * size) : random.gaussian(batch * size);
  const conds = single ? [request.positive] : [request.negative!, request.positive];
  const guidance = request.positive.guidance ?? request.cfg;
  const flow = runtime.prediction === 'flow';
  const previewEvery = request.previewEvery ?? Math.max(1, Math.round(steps / 8));
  const out = new Float32Array(batch * size);
  const scratch = createScratch();

  for (let b = 0; b < batch; b++) {
    const x = toModelSpace(runtime, data.subarray(b * size, (b + 1) * size));
    const n = noise.subarray(b * size, (b + 1) * size);
    const s0 = sigmas[0]!;
    for (let i = 0; i < size; i++) x[i] = flow ? (1 - s0) * x[i]! + s0 * n[i]! : x[i]! + s0 * n[i]!;
    let previous: Float32Array | null = null;
    for (let step = 0; step < steps; step++) {
      aborted(request.signal);
      const sigma = sigmas[step]!;
      const next = sigmas[step + 1]!;
      const denoised = await runtime.denoise(x, shape, sigma, conds, { cfg: request.cfg, guidance, scratch });
      if (denoised.length !== size) throw new SwitchyardError('model_contract_mismatch', `model ${runtime.id}: the denoiser answered ${denoised.length} values for a ${size}-value latent`, { model: runtime.id });
      applyStep(request.sampler, { x, denoised, previous, sigmaPrev: step > 0 ? sigmas[step - 1]! : sigma, sigma, next, flow, random, size });
      previous = denoised;
      request.onStep?.(b * steps + step + 1, batch * steps);
      if (request.onPreview && ((step + 1) % previewEvery === 0) && step + 1 < steps) request.onPreview(previewImage(runtime, denoised, shape));
    }
    out.set(toRawSpace(runtime, x), b * size);
  }
  aborted(request.signal);
  return { kind: 'latent', samples: { dims: [batch, shape.channels, shape.height, shape.width], data: out } };
}

interface StepState {
  x: Float32Array;
  denoised: Float32Array;
  previous: Float32Array | null;
  sigmaPrev: number;
  sigma: number;
  next: number;
  flow: boolean;
  random: SeededRandom;
  size: number;
}

function applyStep(sampler: SamplerName, s: StepState): void {
  switch (sampler) {
    case 'euler_ancestral':
      if (s.flow) eulerAncestralFlowStep(s.x, s.denoised, s.sigma, s.next, s.random.gaussian(s.size));
      else eulerAncestralStep(s.x, s.denoised, s.sigma, s.next, s.random.gaussian(s.size));
      return;
    case 'ddim':
      ddimStep(s.x, s.denoised, s.sigma, s.next);
      return;
    case 'lcm':
      if (s.flow) {
        const fresh = s.random.gaussian(s.size);
        for (let i = 0; i < s.size; i++) s.x[i] = (1 - s.next) * s.denoised[i]! + s.next * fresh[i]!;
      } else lcmStep(s.x, s.denoised, s.next, s.random.gaussian(s.size));
      return;
    case 'dpmpp_2m':
      dpmpp2mStep(s.x, s.denoised, s.previous, s.sigmaPrev, s.sigma, s.next);
      return;
    default:
      eulerStep(s.x, s.denoised, s.sigma, s.next);
  }
}

/** Decodes every item of a raw LATENT to RGB (HWC, 0..1), one image batch. */
export async function decodeLatents(runtime: DiffusionRuntime, latent: LatentValue, signal?: AbortSignal): Promise<{ width: number; height: number; count: number; pixels: Float32Array }> {
  const { batch, shape, data } = latentFor(runtime, latent);
  const size = shape.channels * shape.height * shape.width;
  const width = shape.width * runtime.downscale;
  const height = shape.height * runtime.downscale;
  const pixels = new Float32Array(batch * width * height * 3);
  for (let b = 0; b < batch; b++) {
    aborted(signal);
    const rgb = await runtime.decode(data.subarray(b * size, (b + 1) * size), shape);
    if (rgb.length !== width * height * 3) throw new SwitchyardError('model_contract_mismatch', `model ${runtime.id}: the VAE decoder answered ${rgb.length / 3} pixels for a ${width}×${height} image`, { model: runtime.id });
    pixels.set(rgb, b * width * height * 3);
  }
  return { width, height, count: batch, pixels };
}

export type { LatentShape };
