/**
 * The discrete-time UNet families (SD 1.x/2.x, SDXL): sigmas from the training schedule, and
 * one denoising evaluation — the model-space latent scaled by c_in = 1/√(σ²+1), σ turned into
 * its training timestep, the UNet run once on the batch of conditionings, and the output turned
 * into a clean-latent estimate: ε-prediction x − σ·ε; v-prediction x·c_skip + v·c_out with
 * c_skip = 1/(σ²+1), c_out = −σ/√(σ²+1). Family extras (SDXL `text_embeds`/`time_ids`, LCM
 * `timestep_cond`) come from a callback. `unetAffine` offers the same evaluation split (input
 * scale; network call → raw output and the affine map) for the sampler's fused loop; within one
 * sampling call the input tensors and feeds are built once and only the timestep changes.
 */
import ort from 'onnxruntime-node';
import type { OpenedSession } from '../../../../engine/nodes/index.js';
import { karrasSigmas, normalSigmas, sigmaAt, timestepAt, type TrainingSchedule } from '../../sampling/sigmas.js';
import type { AffineDenoiser, AffinePrediction, ConditioningValue, DenoiseOptions, LatentShape, SchedulerName } from '../../model/types.js';
import { cleanEstimate } from './guidance.js';
import { feedsForCall, floatInput, floatSlot, readFloat, scalarSlot, type DenoiserFeeds } from './tensors.js';

/** "simple": every (N/steps)-th training sigma from the top (ComfyUI's definition), then 0. */
export function simpleSigmas(schedule: TrainingSchedule, steps: number): number[] {
  const n = schedule.sigmas.length;
  const stride = n / steps;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(schedule.sigmas[n - 1 - Math.floor(i * stride)]!);
  out.push(0);
  return out;
}

/** "sgm_uniform": timesteps evenly spaced from the last to the first, the first excluded, then 0. */
export function sgmUniformSigmas(schedule: TrainingSchedule, steps: number): number[] {
  const last = schedule.sigmas.length - 1;
  const out: number[] = [];
  for (let i = 0; i < steps; i++) out.push(sigmaAt(schedule, last - (last * i) / steps));
  out.push(0);
  return out;
}

export function discreteSigmas(schedule: TrainingSchedule, scheduler: SchedulerName, steps: number): number[] {
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be a positive integer, got ${String(steps)}`);
  switch (scheduler) {
    case 'karras': return karrasSigmas(schedule.sigmas[0]!, schedule.sigmas[schedule.sigmas.length - 1]!, steps);
    case 'simple': return simpleSigmas(schedule, steps);
    case 'sgm_uniform': return sgmUniformSigmas(schedule, steps);
    default: return normalSigmas(schedule, steps);
  }
}

const stacked = new WeakMap<readonly ConditioningValue[], Map<string, { data: Float32Array; dims: number[] }>>();

/**
 * Stacks one named [1, ...] tensor of each conditioning into a batch — once per `conds` array
 * (the sampler passes the same array every step), then from a cache.
 */
export function stackConditioning(conds: readonly ConditioningValue[], name: string): { data: Float32Array; dims: number[] } {
  let byName = stacked.get(conds);
  if (!byName) stacked.set(conds, (byName = new Map()));
  const cached = byName.get(name);
  if (cached) return cached;
  const result = stackFresh(conds, name);
  byName.set(name, result);
  return result;
}

function stackFresh(conds: readonly ConditioningValue[], name: string): { data: Float32Array; dims: number[] } {
  const first = conds[0]!.tensors[name];
  if (!first) throw new Error(`the conditioning has no ${name} tensor`);
  const size = first.data.length;
  const data = new Float32Array(size * conds.length);
  conds.forEach((cond, i) => {
    const t = cond.tensors[name];
    if (!t || t.data.length !== size) throw new Error(`the positive and negative conditioning differ in ${name} shape ([${t?.dims.join(', ')}] vs [${first.dims.join(', ')}])`);
    data.set(t.data, i * size);
  });
  return { data, dims: [conds.length, ...first.dims.slice(1)] };
}

export interface UnetModel {
  unet: OpenedSession;
  schedule: TrainingSchedule;
  prediction: 'epsilon' | 'v_prediction';
  /** Extra inputs for a batch (SDXL, LCM). */
  extras?: (conds: readonly ConditioningValue[], shape: LatentShape, guidance: number) => Record<string, ort.Tensor>;
}

/** `batch` copies of x·k, one after another, into `out`. */
export function scaleInto(out: Float32Array, x: Float32Array, k: number, batch: number): void {
  const size = x.length;
  for (let i = 0; i < size; i++) out[i] = x[i]! * k;
  for (let b = 1; b < batch; b++) out.copyWithin(b * size, 0, size);
}

/** c_in = 1/√(σ²+1): the UNet's input scaling at noise level σ. */
export function unetInputScale(sigma: number): number {
  return 1 / Math.sqrt(sigma * sigma + 1);
}

/** The feeds of one sampling call: built on its first step, then only the timestep (and an fp16 copy of the input) change. */
function unetFeeds(model: UnetModel, input: Float32Array, shape: LatentShape, conds: readonly ConditioningValue[], options: DenoiseOptions): DenoiserFeeds {
  const build = (): DenoiserFeeds => {
    const { unet } = model;
    const batch = conds.length;
    const hidden = stackConditioning(conds, 'hidden');
    const latent = floatSlot(unet.info, 'sample', input, [batch, shape.channels, shape.height, shape.width]);
    const timestep = scalarSlot(unet.info, 'timestep', batch);
    const feeds = {
      sample: latent.tensor,
      timestep: timestep.tensor,
      encoder_hidden_states: floatInput(unet.info, 'encoder_hidden_states', hidden.data, hidden.dims),
      ...model.extras?.(conds, shape, options.guidance),
    };
    return { input, conds, latent, timestep, feeds };
  };
  return feedsForCall(options.scratch, 'unet.feeds', input, conds, build);
}

/** The UNet on `input` ([batch, c, h, w] = x·c_in per conditioning) → raw output and the map to the clean estimate. */
export async function unetPredict(model: UnetModel, input: Float32Array, shape: LatentShape, sigma: number, conds: readonly ConditioningValue[], options: DenoiseOptions): Promise<AffinePrediction> {
  const batch = conds.length;
  const size = shape.channels * shape.height * shape.width;
  if (input.length !== size * batch) throw new RangeError(`the UNet input holds ${input.length} values, [${batch}, ${shape.channels}, ${shape.height}, ${shape.width}] needed`);
  const { latent, timestep, feeds } = unetFeeds(model, input, shape, conds, options);
  latent.refresh();
  timestep.set(timestepAt(model.schedule, sigma));
  const out = await model.unet.session.run(feeds);
  const raw = readFloat(out.out_sample, 'out_sample');
  if (raw.length !== size * batch) throw new Error(`the UNet answered ${raw.length} values for a [${batch}, ${shape.channels}, ${shape.height}, ${shape.width}] sample`);
  const cIn = unetInputScale(sigma);
  return model.prediction === 'v_prediction'
    ? { raw, a: 1 / (sigma * sigma + 1), b: -sigma * cIn }
    : { raw, a: 1, b: -sigma };
}

/** The UNet as a fusable denoiser (see AffineDenoiser). */
export function unetAffine(model: UnetModel): AffineDenoiser {
  return {
    inputScale: unetInputScale,
    predict: (input, shape, sigma, conds, options) => unetPredict(model, input, shape, sigma, conds, options),
  };
}

export async function unetDenoise(model: UnetModel, x: Float32Array, shape: LatentShape, sigma: number, conds: readonly ConditioningValue[], options: DenoiseOptions): Promise<Float32Array> {
  const batch = conds.length;
  const input = options.scratch?.get('unet.sample', x.length * batch) ?? new Float32Array(x.length * batch);
  scaleInto(input, x, unetInputScale(sigma), batch);
  const { raw, a, b } = await unetPredict(model, input, shape, sigma, conds, options);
  return cleanEstimate(x, raw, batch, options.cfg, a, b);
}

/** LCM's `timestep_cond`: a 256-wide sinusoidal embedding of (guidance − 1)·1000, per batch item. */
export function guidanceEmbedding(guidance: number, batch: number, width = 256): Float32Array {
  const half = width / 2;
  const w = (guidance - 1) * 1000;
  const out = new Float32Array(batch * width);
  const step = Math.log(10000) / (half - 1);
  for (let i = 0; i < half; i++) {
    const angle = w * Math.exp(-step * i);
    for (let b = 0; b < batch; b++) {
      out[b * width + i] = Math.sin(angle);
      out[b * width + half + i] = Math.cos(angle);
    }
  }
  return out;
}
