/**
 * What every diffusion family (SD 1.x/2.x, SDXL, SD3, Flux) looks like to the sampler and the
 * nodes: a `DiffusionRuntime` — text encoding, one denoising evaluation, VAE decode/encode and
 * the family's noise schedule — plus the plain values that travel on links (conditioning, and
 * the MODEL / CLIP / VAE handles a checkpoint loader hands on). The sampler loop, the nodes and
 * the examples are written once against this; each family file only fills it in.
 *
 * Latent spaces: a LATENT on a link holds raw VAE latents (what the VAE encoder gives and the
 * decoder takes, as in ComfyUI). The model samples in "model space": (raw − shift) · scale
 * (SD1 scale 0.18215, SDXL 0.13025, SD3 1.5305/shift 0.0609, Flux 0.3611/shift 0.1159).
 */
import type { TensorValue } from '../../../engine/nodes/index.js';

export const FAMILIES = ['sd15', 'sdxl', 'sd3', 'flux'] as const;
export type Family = (typeof FAMILIES)[number];

export const SAMPLERS = ['euler', 'euler_ancestral', 'ddim', 'lcm', 'dpmpp_2m'] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export const SCHEDULERS = ['normal', 'karras', 'simple', 'sgm_uniform'] as const;
export type SchedulerName = (typeof SCHEDULERS)[number];

/** How the network's output turns into a clean-latent estimate. */
export type Prediction = 'epsilon' | 'v_prediction' | 'flow';

/** Text conditioning for one prompt (batch 1), as `CLIPTextEncode` hands it on. */
export interface ConditioningValue {
  readonly kind: 'conditioning';
  readonly family: Family;
  /** The model folder whose text encoders made it. */
  readonly model: string;
  /** Named tensors, batch 1: e.g. `hidden` [1,77,768]; `pooled` [1,1280] for SDXL/SD3/Flux. */
  readonly tensors: Readonly<Record<string, TensorValue>>;
  /** Prompt tokens cut off to fit the encoder's context (for a warning). */
  readonly truncated: number;
  /** Distilled guidance for models that embed it (Flux dev; `FluxGuidance` sets it). */
  readonly guidance?: number;
}

/** Handles a checkpoint loader hands on: the model folder to load, not the sessions. */
export interface ModelHandle {
  readonly kind: 'diffusion_model';
  readonly id: string;
  readonly family: Family;
}
export interface ClipHandle {
  readonly kind: 'clip';
  readonly id: string;
  readonly family: Family;
}
export interface VaeHandle {
  readonly kind: 'vae';
  readonly id: string;
  readonly family: Family;
}

/** One latent item's shape (channels, height, width in latent cells). */
export interface LatentShape {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
}

export interface DenoiseOptions {
  /** Classifier-free guidance scale, applied when `conds` is [negative, positive]. */
  cfg: number;
  /** Guidance for models that embed it (Flux dev `guidance`, LCM `timestep_cond`). */
  guidance: number;
  /**
   * Scratch arrays that live for one sampling call (its steps run one after another), so a
   * family can fill the same input buffer every step instead of allocating one.
   */
  scratch?: ScratchBuffers;
}

/** Named float buffers reused across the steps of one sampling call. */
export interface ScratchBuffers {
  /** A buffer of exactly `length` values (contents left from its last use). */
  get(name: string, length: number): Float32Array;
  /**
   * The value `make` gave the first time `name` was asked for in this sampling call (input
   * tensors and feeds over the same buffers, built once instead of every step).
   */
  keep<T>(name: string, make: () => T): T;
}

/** A VAE decoder's output as it comes: planar RGB in −1..1, [3, height, width]. */
export interface PlanarImage {
  data: Float32Array;
  width: number;
  height: number;
}

/** One network call's raw output and the affine map from it to the clean estimate. */
export interface AffinePrediction {
  /** [batch, size]: [negative, positive] or a single prediction. */
  raw: Float32Array;
  /** The clean estimate is a·x + b·p, p the raw output mixed by classifier-free guidance. */
  a: number;
  b: number;
}

/**
 * A denoiser split so that the sampler can fuse its passes (families whose network input is the
 * latent times a factor and whose clean estimate is affine in the output: SD 1.x/2.x, SDXL, SD3).
 * `denoise` stays the reference: fusing gives the same values bit for bit.
 */
export interface AffineDenoiser {
  /** k in the network input x·k at noise level σ (c_in = 1/√(σ²+1) for UNets, 1 for SD3). */
  inputScale(sigma: number): number;
  /**
   * One network call on `input` — `conds.length` copies of x·k, written by the caller into
   * the same buffer every step of a sampling call — answering the raw output and its map.
   */
  predict(input: Float32Array, shape: LatentShape, sigma: number, conds: readonly ConditioningValue[], options: DenoiseOptions): Promise<AffinePrediction>;
}

/** A loaded diffusion model folder, family-specific inside, uniform outside. */
export interface DiffusionRuntime {
  readonly id: string;
  readonly family: Family;
  /** Channels of the VAE's latents (4 SD1/SDXL, 16 SD3/Flux). */
  readonly latentChannels: number;
  /** Pixels per latent cell along each axis (8). */
  readonly downscale: number;
  /** Latent height and width must be multiples of this (Flux packs 2×2 patches: 2). */
  readonly latentMultiple: number;
  readonly prediction: Prediction;
  /** raw → model space: (raw − shift) · scale. */
  readonly scale: number;
  readonly shift: number;
  /**
   * True when the network takes guidance as an input (Flux dev, LCM): the sampler then runs
   * the conditional branch only and passes the guidance, instead of classifier-free guidance.
   */
  readonly embedsGuidance: boolean;
  /** Channel → RGB factors for cheap previews ([channels][3]), when known for the family. */
  readonly previewFactors?: readonly (readonly number[])[];

  /** Prompt → conditioning (prompt weighting where the family supports it). */
  encodeText(prompt: string): Promise<ConditioningValue>;
  /**
   * The noise levels for `steps` steps of `scheduler`: steps + 1 values, the last 0. `shape` is
   * the latent being sampled (Flux shifts its schedule by the image's token count).
   */
  sigmas(scheduler: SchedulerName, steps: number, shape?: LatentShape): number[];
  /**
   * The network's clean-latent estimate ("denoised") for one model-space latent `x` at noise
   * level `sigma`: one network call on the batch `conds` — [positive], or [negative, positive]
   * mixed by classifier-free guidance (`options.cfg`). Every family's estimate is affine in the
   * network output, so the raw outputs are mixed first and converted once.
   */
  denoise(x: Float32Array, shape: LatentShape, sigma: number, conds: readonly ConditioningValue[], options: DenoiseOptions): Promise<Float32Array>;
  /** The same evaluation split for a fused sampler loop, where the family allows it. */
  readonly affine?: AffineDenoiser;
  /** Raw latents of one item → RGB pixels, row-major HWC in 0..1. */
  decode(latent: Float32Array, shape: LatentShape): Promise<Float32Array>;
  /** Raw latents of one item → the decoder's planar RGB in −1..1, for a one-pass conversion to any layout. */
  decodePlanar(latent: Float32Array, shape: LatentShape): Promise<PlanarImage>;
  /** RGB pixels (HWC, 0..1) → raw latents (the distribution's mean); absent without a VAE encoder. */
  encodeImage?(pixels: Float32Array, width: number, height: number): Promise<Float32Array>;
  /** Planar RGB in −1..1 ([3, height, width]) → raw latents; absent without a VAE encoder. */
  encodePlanar?(planar: Float32Array, width: number, height: number): Promise<Float32Array>;
}
