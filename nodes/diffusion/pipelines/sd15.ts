/**
 * Text to image for SD 1.x/2.x-style models (ε-prediction UNet, 4-channel latents), in
 * k-diffusion's sigma form: seeded noise × σ_max, then per step the UNet on [uncond, cond]
 * (classifier-free guidance) with the input scaled by 1/√(σ²+1) and σ turned back into its
 * training timestep, denoised = x − σ·ε, one sampler step; finally latents ÷ scaling factor
 * through the VAE decoder to RGB in 0..1. Prompt weighting (`(word:1.3)`) scales token
 * embeddings. Tensor dtypes (int32/int64 ids, timestep dtype and
 * rank) follow what the session reports, so real exports and the demo stand-in both run.
 */
import ort from 'onnxruntime-node';
import type { SessionInfo } from '../../../engine/nodes/index.js';
import { SeededRandom } from '../sampling/noise.js';
import { karrasSigmas, normalSigmas, scaledLinearSchedule, timestepAt } from '../sampling/sigmas.js';
import { cfgMix, ddimStep, eulerAncestralStep, eulerStep } from '../sampling/steps.js';
import type { ClipTokenizer } from '../text/clip-tokenizer.js';
import { encodeWeighted } from '../text/weighted-encode.js';

export type Sd15Sampler = 'euler' | 'euler_ancestral' | 'ddim';
export type Sd15Scheduler = 'normal' | 'karras';

export interface Sd15Component {
  session: ort.InferenceSession;
  info: SessionInfo;
}

export interface Sd15Model {
  tokenizer: ClipTokenizer;
  textEncoder: Sd15Component;
  unet: Sd15Component;
  vaeDecoder: Sd15Component;
  /** Latent scaling factor (0.18215 for SD 1.x/2.x). */
  scalingFactor: number;
  latentChannels: number;
}

export interface Sd15Request {
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  steps: number;
  cfg: number;
  /** 0..2^53-1; 0 is a seed like any other. */
  seed: number;
  sampler?: Sd15Sampler;
  scheduler?: Sd15Scheduler;
  signal?: AbortSignal;
  onStep?: (done: number, total: number) => void;
}

export interface Sd15Image {
  width: number;
  height: number;
  /** RGB, row-major, 0..1. */
  pixels: Float32Array;
  /** Prompt tokens cut off to fit 77 (for a warning). */
  truncated: number;
}

const schedule = scaledLinearSchedule();

function typeOf(info: SessionInfo, name: string): string {
  return info.inputs.find((t) => t.name === name)?.type ?? 'float32';
}

/**
 * Prompt weighting as A1111 does it: each token's embedding is scaled by its weight, then the
 * whole prompt's embedding is rescaled to its unweighted mean, so emphasis shifts the balance
 * between words without changing the overall magnitude. All weights 1 leave it untouched.
 */
function applyWeights(hidden: Float32Array, weights: readonly number[][], width: number): void {
  const positions = weights[0]!.length;
  weights.forEach((row, b) => {
    if (row.every((w) => w === 1)) return;
    const start = b * positions * width;
    const end = start + positions * width;
    let before = 0;
    for (let i = start; i < end; i++) before += hidden[i]!;
    for (let p = 0; p < positions; p++) {
      const w = row[p]!;
      if (w === 1) continue;
      for (let i = start + p * width; i < start + (p + 1) * width; i++) hidden[i] = hidden[i]! * w;
    }
    let after = 0;
    for (let i = start; i < end; i++) after += hidden[i]!;
    if (after !== 0 && Number.isFinite(before / after)) {
      const scale = before / after;
      for (let i = start; i < end; i++) hidden[i] = hidden[i]! * scale;
    }
  });
}

async function encodeText(model: Sd15Model, prompts: readonly string[]): Promise<{ hidden: ort.Tensor; truncated: number }> {
  const encoded = prompts.map((p) => encodeWeighted(model.tokenizer, p));
  const flat = encoded.flatMap((e) => e.ids);
  const idsType = typeOf(model.textEncoder.info, 'input_ids');
  const ids = idsType === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(flat, BigInt), [prompts.length, model.tokenizer.contextLength])
    : new ort.Tensor('int32', Int32Array.from(flat), [prompts.length, model.tokenizer.contextLength]);
  const out = await model.textEncoder.session.run({ input_ids: ids });
  const hidden = out.last_hidden_state!;
  applyWeights(hidden.data as Float32Array, encoded.map((e) => e.weights), hidden.dims[2]!);
  return { hidden, truncated: Math.max(...encoded.map((e) => e.truncated)) };
}

function timestepTensor(info: SessionInfo, t: number, batch: number): ort.Tensor {
  const meta = info.inputs.find((i) => i.name === 'timestep');
  const rank = meta?.shape.length ?? 1;
  const dims = rank === 0 ? [] : [typeof meta?.shape[0] === 'number' && meta.shape[0] === 1 ? 1 : batch];
  const count = dims.length === 0 ? 1 : dims[0]!;
  if (meta?.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from({ length: count }, () => BigInt(Math.round(t))), dims);
  return new ort.Tensor('float32', Float32Array.from({ length: count }, () => t), dims);
}

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

export async function sd15TextToImage(model: Sd15Model, request: Sd15Request): Promise<Sd15Image> {
  const { width, height, steps, cfg, seed } = request;
  if (width % 8 !== 0 || height % 8 !== 0) throw new RangeError(`width and height must be multiples of 8, got ${width}×${height}`);
  const h = height / 8;
  const w = width / 8;
  const c = model.latentChannels;
  const size = c * h * w;
  const sigmas = (request.scheduler ?? 'normal') === 'karras'
    ? karrasSigmas(schedule.sigmas[0]!, schedule.sigmas[schedule.sigmas.length - 1]!, steps)
    : normalSigmas(schedule, steps);

  const random = new SeededRandom(seed);
  const x = random.gaussian(size);
  for (let i = 0; i < size; i++) x[i]! *= sigmas[0]!;
  const text = await encodeText(model, [request.negativePrompt ?? '', request.prompt]);

  const sampler = request.sampler ?? 'euler';
  const scaled = new Float32Array(2 * size);
  for (let step = 0; step < steps; step++) {
    aborted(request.signal);
    const sigma = sigmas[step]!;
    const next = sigmas[step + 1]!;
    const cIn = 1 / Math.sqrt(sigma * sigma + 1);
    for (let i = 0; i < size; i++) scaled[i] = scaled[size + i] = x[i]! * cIn;
    const out = await model.unet.session.run({
      sample: new ort.Tensor('float32', scaled, [2, c, h, w]),
      timestep: timestepTensor(model.unet.info, timestepAt(schedule, sigma), 2),
      encoder_hidden_states: text.hidden,
    });
    const eps = out.out_sample!.data as Float32Array;
    const guided = cfgMix(eps.subarray(0, size), eps.subarray(size, 2 * size), cfg);
    const denoised = new Float32Array(size);
    for (let i = 0; i < size; i++) denoised[i] = x[i]! - sigma * guided[i]!;
    if (sampler === 'euler_ancestral') eulerAncestralStep(x, denoised, sigma, next, random.gaussian(size));
    else if (sampler === 'ddim') ddimStep(x, denoised, sigma, next);
    else eulerStep(x, denoised, sigma, next);
    request.onStep?.(step + 1, steps);
  }
  aborted(request.signal);

  const latent = new Float32Array(size);
  for (let i = 0; i < size; i++) latent[i] = x[i]! / model.scalingFactor;
  const decoded = await model.vaeDecoder.session.run({ latent_sample: new ort.Tensor('float32', latent, [1, c, h, w]) });
  const sample = decoded.sample!.data as Float32Array;
  const pixels = new Float32Array(width * height * 3);
  const plane = width * height;
  for (let p = 0; p < plane; p++) {
    for (let ch = 0; ch < 3; ch++) pixels[p * 3 + ch] = Math.min(1, Math.max(0, (sample[ch * plane + p]! + 1) / 2));
  }
  return { width, height, pixels, truncated: text.truncated };
}
