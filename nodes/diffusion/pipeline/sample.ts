/**
 * The sampler loop, written once for every family (KSampler and the text-to-image shortcut both
 * run it). Per latent item: seeded noise at the first sigma (x + σ·n for discrete models,
 * (1−σ)·x + σ·n for flow models), then per step the family's `denoise` on
 * [negative, positive] with classifier-free guidance (or the positive branch alone when cfg is 1
 * or the model embeds guidance), one sampler update, progress, and every few steps a cheap
 * preview; an interruption stops between steps. `denoise` < 1 starts part way down a longer
 * schedule (img2img). Noise comes from our seeded PRNG: the same seed gives the same latents
 * bit for bit on the same model and providers; 0 is a seed like any other.
 *
 * Families with an `affine` denoiser (SD 1.x/2.x, SDXL, SD3) run the fused loop: one pass over
 * the latent per step (cfg mix, clean estimate, update, next network input), the network's
 * tensors and feeds built once per call, scratch buffers reused — the same values bit for bit
 * as the reference loop over `denoise`, which the others (Flux's packed tokens) run.
 */
import { SwitchyardError, type ImageValue, type LatentValue } from '../../../engine/nodes/index.js';
import type { AffineDenoiser, ConditioningValue, DenoiseOptions, DiffusionRuntime, LatentShape, SamplerName, SchedulerName } from '../model/types.js';
import { scaleInto } from '../families/shared/unet.js';
import { createScratch } from './scratch.js';
import { fusedStep, stepRule } from '../sampling/fused-step.js';
import { SeededRandom } from '../sampling/noise.js';
import { ddimStep, dpmpp2mStep, eulerAncestralFlowStep, eulerAncestralStep, eulerStep, lcmStep } from '../sampling/steps.js';
import { latentFor, previewImage } from './latent.js';

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
  const size = shape.channels * shape.height * shape.width;
  const random = new SeededRandom(request.seed);
  const noise = request.addNoise === false ? new Float32Array(batch * size) : random.gaussian(batch * size);
  const run: SamplingRun = {
    runtime,
    request,
    shape,
    sigmas,
    steps: sigmas.length - 1,
    size,
    conds: single ? [request.positive] : [request.negative!, request.positive],
    options: { cfg: request.cfg, guidance: request.positive.guidance ?? request.cfg, scratch: createScratch() },
    flow: runtime.prediction === 'flow',
    random,
    items: batch,
    previewEvery: request.previewEvery ?? Math.max(1, Math.round((sigmas.length - 1) / 8)),
  };
  const out = new Float32Array(batch * size);
  const x = new Float32Array(size);
  const { scale, shift } = runtime;
  const inverse = 1 / scale;
  const s0 = sigmas[0]!;
  for (let b = 0; b < batch; b++) {
    // Into model space and noised to the first sigma, in one pass.
    const offset = b * size;
    for (let i = 0; i < size; i++) {
      const m = Math.fround((data[offset + i]! - shift) * scale);
      const n = noise[offset + i]!;
      x[i] = run.flow ? (1 - s0) * m + s0 * n : m + s0 * n;
    }
    await (runtime.affine ? sampleFused(run, runtime.affine, x, b) : sampleGeneric(run, x, b));
    for (let i = 0; i < size; i++) out[offset + i] = x[i]! * inverse + shift;
  }
  aborted(request.signal);
  return { kind: 'latent', samples: { dims: [batch, shape.channels, shape.height, shape.width], data: out } };
}

/** What every step of one sampling call shares. */
interface SamplingRun {
  runtime: DiffusionRuntime;
  request: SampleRequest;
  shape: LatentShape;
  sigmas: number[];
  steps: number;
  size: number;
  conds: ConditioningValue[];
  options: DenoiseOptions;
  flow: boolean;
  random: SeededRandom;
  /** Latent items sampled one after another. */
  items: number;
  previewEvery: number;
}

function previewDue(run: SamplingRun, step: number): boolean {
  return run.request.onPreview !== undefined && (step + 1) % run.previewEvery === 0 && step + 1 < run.steps;
}

/**
 * The fused loop: the sampler writes the network input itself, and one pass per step mixes the
 * raw output, forms the clean estimate, updates x and writes the next input (sampling/fused-step.ts).
 */
async function sampleFused(run: SamplingRun, affine: AffineDenoiser, x: Float32Array, item: number): Promise<void> {
  const { runtime, request, shape, sigmas, steps, size, conds, options, random } = run;
  const batch = conds.length;
  const scratch = options.scratch!;
  const input = scratch.get('network.input', size * batch);
  scaleInto(input, x, affine.inputScale(sigmas[0]!), batch);
  const estimates = [scratch.get('estimate.0', size), scratch.get('estimate.1', size)] as const;
  let previous: Float32Array | undefined;
  for (let step = 0; step < steps; step++) {
    aborted(request.signal);
    const sigma = sigmas[step]!;
    const next = sigmas[step + 1]!;
    const { raw, a, b } = await affine.predict(input, shape, sigma, conds, options);
    if (raw.length !== size * batch) throw new SwitchyardError('model_contract_mismatch', `model ${runtime.id}: the network answered ${raw.length} values for ${batch} × a ${size}-value latent`, { model: runtime.id });
    const rule = stepRule(request.sampler, run.flow, step > 0 ? sigmas[step - 1]! : sigma, sigma, next, previous === undefined);
    const denoised = estimates[step % 2];
    fusedStep({
      x, raw, batch, cfg: request.cfg, a, b, rule, denoised, input,
      noise: rule.needsNoise ? random.fill(scratch.get('noise', size)) : undefined,
      previous,
      // After the last step the input is written but never read again.
      inputScale: step + 1 < steps ? affine.inputScale(next) : 1,
    });
    previous = denoised;
    request.onStep?.(item * steps + step + 1, run.items * steps);
    if (previewDue(run, step)) request.onPreview!(previewImage(runtime, denoised, shape));
  }
}

/** The reference loop: the family's `denoise` answers the clean estimate, then the sampler updates x. */
async function sampleGeneric(run: SamplingRun, x: Float32Array, item: number): Promise<void> {
  const { runtime, request, shape, sigmas, steps, size, conds, options } = run;
  let previous: Float32Array | null = null;
  for (let step = 0; step < steps; step++) {
    aborted(request.signal);
    const sigma = sigmas[step]!;
    const next = sigmas[step + 1]!;
    const denoised = await runtime.denoise(x, shape, sigma, conds, options);
    if (denoised.length !== size) throw new SwitchyardError('model_contract_mismatch', `model ${runtime.id}: the denoiser answered ${denoised.length} values for a ${size}-value latent`, { model: runtime.id });
    applyStep(request.sampler, { x, denoised, previous, sigmaPrev: step > 0 ? sigmas[step - 1]! : sigma, sigma, next, flow: run.flow, noise: () => run.random.fill(options.scratch!.get('noise', size)), size });
    previous = denoised;
    request.onStep?.(item * steps + step + 1, run.items * steps);
    if (previewDue(run, step)) request.onPreview!(previewImage(runtime, denoised, shape));
  }
}

interface StepState {
  x: Float32Array;
  denoised: Float32Array;
  previous: Float32Array | null;
  sigmaPrev: number;
  sigma: number;
  next: number;
  flow: boolean;
  /** This step's fresh noise (drawn only by the samplers that add some). */
  noise: () => Float32Array;
  size: number;
}

function applyStep(sampler: SamplerName, s: StepState): void {
  switch (sampler) {
    case 'euler_ancestral':
      if (s.flow) eulerAncestralFlowStep(s.x, s.denoised, s.sigma, s.next, s.noise());
      else eulerAncestralStep(s.x, s.denoised, s.sigma, s.next, s.noise());
      return;
    case 'ddim':
      ddimStep(s.x, s.denoised, s.sigma, s.next);
      return;
    case 'lcm':
      if (s.flow) {
        const fresh = s.noise();
        for (let i = 0; i < s.size; i++) s.x[i] = (1 - s.next) * s.denoised[i]! + s.next * fresh[i]!;
      } else lcmStep(s.x, s.denoised, s.next, s.noise());
      return;
    case 'dpmpp_2m':
      dpmpp2mStep(s.x, s.denoised, s.previous, s.sigmaPrev, s.sigma, s.next);
      return;
    default:
      eulerStep(s.x, s.denoised, s.sigma, s.next);
  }
}

export { decodeLatents } from './vae-io.js';
export type { LatentShape };
