/**
 * LATENT values and the conversions around sampling: empty latents, raw ↔ model space
 * ((raw − shift)·scale and back), checking a latent against the model that will sample it
 * (an all-zero latent of the wrong channel count — EmptyLatentImage feeding an SD3/Flux model —
 * is widened, as ComfyUI does; anything else is a clear error), and cheap previews: the
 * family's channel→RGB factors on the current clean estimate, no VAE call.
 */
import { SwitchyardError, createImage, type ImageValue, type LatentValue } from '../../../engine/nodes/index.js';
import type { DiffusionRuntime, LatentShape } from '../model/types.js';

export function emptyLatent(batch: number, channels: number, height: number, width: number): LatentValue {
  return { kind: 'latent', samples: { dims: [batch, channels, height, width], data: new Float32Array(batch * channels * height * width) } };
}

export function isLatentValue(value: unknown): value is LatentValue {
  const v = value as Partial<LatentValue> | null;
  return typeof v === 'object' && v !== null && v.kind === 'latent' && v.samples?.data instanceof Float32Array && Array.isArray(v.samples.dims) && v.samples.dims.length === 4
    && v.samples.data.length === v.samples.dims.reduce((a, b) => a * b, 1);
}

/** The latent as `runtime` samples it: [batch, channels, height, width] checked or widened. */
export function latentFor(runtime: DiffusionRuntime, latent: LatentValue): { batch: number; shape: LatentShape; data: Float32Array } {
  if (!isLatentValue(latent)) throw new SwitchyardError('invalid_input', 'the latent input is not a [batch, channels, height, width] LATENT', {});
  const [batch, channels, height, width] = latent.samples.dims as [number, number, number, number];
  const shape = { channels: runtime.latentChannels, height, width };
  if (height % runtime.latentMultiple !== 0 || width % runtime.latentMultiple !== 0) {
    const px = runtime.latentMultiple * runtime.downscale;
    throw new SwitchyardError('invalid_input', `model ${runtime.id} (${runtime.family}) needs width and height in multiples of ${px} pixels; the latent is ${width * runtime.downscale}×${height * runtime.downscale}`, { model: runtime.id, width: width * runtime.downscale, height: height * runtime.downscale });
  }
  if (channels === runtime.latentChannels) return { batch, shape, data: latent.samples.data };
  if (latent.samples.data.every((v) => v === 0)) return { batch, shape, data: new Float32Array(batch * runtime.latentChannels * height * width) };
  throw new SwitchyardError('invalid_input', `model ${runtime.id} (${runtime.family}) works on ${runtime.latentChannels}-channel latents, but this latent has ${channels} channels (made by another model family's VAE?)`, { model: runtime.id, channels, expected: runtime.latentChannels });
}

export function toModelSpace(runtime: DiffusionRuntime, raw: Float32Array): Float32Array {
  const out = new Float32Array(raw.length);
  const { scale, shift } = runtime;
  for (let i = 0; i < raw.length; i++) out[i] = (raw[i]! - shift) * scale;
  return out;
}

export function toRawSpace(runtime: DiffusionRuntime, model: Float32Array): Float32Array {
  const out = new Float32Array(model.length);
  const inv = 1 / runtime.scale;
  const { shift } = runtime;
  for (let i = 0; i < model.length; i++) out[i] = model[i]! * inv + shift;
  return out;
}

/**
 * A small RGB picture of a model-space latent item: the family's factors when known, else the
 * first three channels stretched to 0..1 each. Latent resolution (one pixel per cell).
 */
export function previewImage(runtime: DiffusionRuntime, x: Float32Array, shape: LatentShape): ImageValue {
  const plane = shape.height * shape.width;
  const rgb = new Float32Array(plane * 3);
  const factors = runtime.previewFactors;
  if (factors && factors.length === shape.channels) {
    for (let c = 0; c < shape.channels; c++) {
      const [r, g, b] = factors[c] as [number, number, number];
      const base = c * plane;
      for (let p = 0; p < plane; p++) {
        const v = x[base + p]!;
        rgb[p * 3] += v * r;
        rgb[p * 3 + 1] += v * g;
        rgb[p * 3 + 2] += v * b;
      }
    }
    for (let i = 0; i < rgb.length; i++) rgb[i] = Math.min(1, Math.max(0, (rgb[i]! + 1) / 2));
  } else {
    for (let c = 0; c < Math.min(3, shape.channels); c++) {
      const base = c * plane;
      let lo = Infinity;
      let hi = -Infinity;
      for (let p = 0; p < plane; p++) {
        lo = Math.min(lo, x[base + p]!);
        hi = Math.max(hi, x[base + p]!);
      }
      const span = hi - lo || 1;
      for (let p = 0; p < plane; p++) rgb[p * 3 + c] = (x[base + p]! - lo) / span;
    }
  }
  return createImage(shape.width, shape.height, 1, rgb);
}
