/**
 * Text to image in one call on any family: encode the prompt (and the negative one when
 * classifier-free guidance needs it), sample from an empty latent, decode. The same steps the
 * ComfyUI-style chain takes node by node, so both give the same pixels for the same settings.
 */
import { SwitchyardError, type ImageValue } from '../../../engine/nodes/index.js';
import type { DiffusionRuntime, SamplerName, SchedulerName } from '../model/types.js';
import { emptyLatent } from './latent.js';
import { decodeLatents, sample } from './sample.js';

export interface TextToImageRequest {
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  steps: number;
  cfg: number;
  seed: number;
  sampler?: SamplerName;
  scheduler?: SchedulerName;
  batch?: number;
  /** Flux dev's distilled guidance (default: cfg). */
  guidance?: number;
  signal?: AbortSignal;
  onStep?: (done: number, total: number) => void;
  onPreview?: (image: ImageValue) => void;
}

export interface GeneratedImages {
  width: number;
  height: number;
  count: number;
  /** RGB HWC 0..1, `count` images one after another. */
  pixels: Float32Array;
  /** Prompt tokens cut off to fit the encoder's context. */
  truncated: number;
}

/** Width and height must be whole latent cells (and whole 2×2 patches for Flux). */
export function checkSize(runtime: Pick<DiffusionRuntime, 'id' | 'family' | 'downscale' | 'latentMultiple'>, width: number, height: number): void {
  const px = runtime.downscale * runtime.latentMultiple;
  if (width % px !== 0 || height % px !== 0) {
    throw new SwitchyardError('invalid_input', `width and height must be multiples of ${px} for model ${runtime.id} (${runtime.family}), got ${width}×${height}`, { width, height, multiple: px });
  }
}

export async function textToImage(runtime: DiffusionRuntime, request: TextToImageRequest): Promise<GeneratedImages> {
  checkSize(runtime, request.width, request.height);
  const needsNegative = !runtime.embedsGuidance && request.cfg !== 1;
  const positive = await runtime.encodeText(request.prompt);
  const negative = needsNegative ? await runtime.encodeText(request.negativePrompt ?? '') : undefined;
  const latent = await sample(runtime, {
    positive: request.guidance === undefined ? positive : { ...positive, guidance: request.guidance },
    negative,
    latent: emptyLatent(request.batch ?? 1, runtime.latentChannels, request.height / runtime.downscale, request.width / runtime.downscale),
    seed: request.seed,
    steps: request.steps,
    cfg: request.cfg,
    sampler: request.sampler ?? 'euler',
    scheduler: request.scheduler ?? 'normal',
    signal: request.signal,
    onStep: request.onStep,
    onPreview: request.onPreview,
  });
  const images = await decodeLatents(runtime, latent, request.signal);
  return { ...images, truncated: Math.max(positive.truncated, negative?.truncated ?? 0) };
}
