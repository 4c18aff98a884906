/**
 * Latents ↔ pictures through a runtime's VAE, each conversion one pass straight from or into
 * the VAE's planar −1..1 tensors (families/shared/pixels.ts):
 * - `decodeLatents`: LATENT → HWC floats (the IMAGE batch, filled in place, no per-item copy);
 * - `decodeLatentsToRgb8`: LATENT → 8-bit interleaved RGB frames, ready for sharp to encode;
 * - `encodeImages`: IMAGE → LATENT (VAEEncode), each item cropped to whole latent cells in the
 *   same pass that lays it out for the encoder;
 * - `encodeRawImage`: `sharp().raw()` output (grey, grey+alpha, RGB, RGBA; 8- or 16-bit) →
 *   LATENT for img2img, without the 0..1 float image in between.
 * The byte paths give exactly the values of the float route through the image pack.
 */
import { SwitchyardError, type ImageValue, type LatentValue } from '../../../engine/nodes/index.js';
import { hwcToPlanar, planarToHwc, planarToRgb8, rawToPlanar, type PixelRegion, type RawPixels } from '../families/shared/pixels.js';
import type { DiffusionRuntime, PlanarImage } from '../model/types.js';
import { latentFor } from './latent.js';

function aborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error('aborted');
}

/**
 * Decodes each item of a checked LATENT and hands its planar output to `write`, into an output
 * `allocate` makes once for the whole batch (its frame size in values: width × height × 3).
 */
async function decodeEach<T>(runtime: DiffusionRuntime, latent: LatentValue, signal: AbortSignal | undefined, allocate: (values: number) => T, write: (out: T, offset: number, planar: PlanarImage) => void): Promise<{ width: number; height: number; count: number; out: T }> {
  const { batch, shape, data } = latentFor(runtime, latent);
  const size = shape.channels * shape.height * shape.width;
  const width = shape.width * runtime.downscale;
  const height = shape.height * runtime.downscale;
  const frame = width * height * 3;
  const out = allocate(frame * batch);
  for (let b = 0; b < batch; b++) {
    aborted(signal);
    const planar = await runtime.decodePlanar(data.subarray(b * size, (b + 1) * size), shape);
    if (planar.width !== width || planar.height !== height || planar.data.length < frame) {
      throw new SwitchyardError('model_contract_mismatch', `model ${runtime.id}: the VAE decoder answered ${planar.width}×${planar.height} pixels (${planar.data.length} values) for a ${width}×${height} image`, { model: runtime.id });
    }
    write(out, b * frame, planar);
  }
  return { width, height, count: batch, out };
}

/** Decodes every item of a raw LATENT to RGB (HWC, 0..1), one image batch. */
export async function decodeLatents(runtime: DiffusionRuntime, latent: LatentValue, signal?: AbortSignal): Promise<{ width: number; height: number; count: number; pixels: Float32Array }> {
  const { out, ...size } = await decodeEach(runtime, latent, signal, (n) => new Float32Array(n), (pixels, offset, planar) => {
    planarToHwc(planar.data, planar.width, planar.height, pixels, offset);
  });
  return { ...size, pixels: out };
}

/** Decodes every item of a raw LATENT to 8-bit interleaved RGB, frames one after another. */
export async function decodeLatentsToRgb8(runtime: DiffusionRuntime, latent: LatentValue, signal?: AbortSignal): Promise<{ width: number; height: number; count: number; data: Uint8Array }> {
  const { out, ...size } = await decodeEach(runtime, latent, signal, (n) => new Uint8Array(n), (bytes, offset, planar) => {
    planarToRgb8(planar.data, planar.width, planar.height, bytes, offset);
  });
  return { ...size, data: out };
}

/** The centred crop of a width × height picture to whole multiples of `multiple` pixels (ComfyUI's VAEEncode rule). */
export function latentCellCrop(width: number, height: number, multiple: number): PixelRegion {
  const cropWidth = Math.floor(width / multiple) * multiple;
  const cropHeight = Math.floor(height / multiple) * multiple;
  return { left: Math.floor((width - cropWidth) / 2), top: Math.floor((height - cropHeight) / 2), width: cropWidth, height: cropHeight };
}

function encoderOf(runtime: DiffusionRuntime, width: number, height: number): { encode: NonNullable<DiffusionRuntime['encodePlanar']>; multiple: number } {
  const encode = runtime.encodePlanar;
  if (!encode) throw new SwitchyardError('not_available', `model ${runtime.id} has no VAE encoder (vae_encoder/model.onnx), so it cannot encode images`, { model: runtime.id });
  const multiple = runtime.downscale * runtime.latentMultiple;
  if (width < multiple || height < multiple) throw new SwitchyardError('invalid_input', `the image (${width}×${height}) is smaller than one latent cell (${multiple} px)`, { width, height });
  return { encode, multiple };
}

/** Stacks per-item latents into one LATENT [count, channels, h, w]. */
function stackLatents(runtime: DiffusionRuntime, parts: Float32Array[], region: PixelRegion): LatentValue {
  const dims = [parts.length, runtime.latentChannels, region.height / runtime.downscale, region.width / runtime.downscale];
  const itemSize = dims[1]! * dims[2]! * dims[3]!;
  const data = new Float32Array(itemSize * parts.length);
  parts.forEach((part, i) => {
    if (part.length !== itemSize) throw new SwitchyardError('model_contract_mismatch', `model ${runtime.id}: the VAE encoder answered ${part.length} values for a [${dims.slice(1).join(', ')}] latent`, { model: runtime.id });
    data.set(part, i * itemSize);
  });
  return { kind: 'latent', samples: { dims, data } };
}

/**
 * IMAGE → LATENT through the VAE encoder, each item cropped (centred) to whole latent cells;
 * `throwIfAborted` runs before each item (a node passes its context's).
 */
export async function encodeImages(runtime: DiffusionRuntime, image: ImageValue, throwIfAborted?: () => void): Promise<LatentValue> {
  const { encode, multiple } = encoderOf(runtime, image.width, image.height);
  const region = latentCellCrop(image.width, image.height, multiple);
  const frame = image.width * image.height * 3;
  const planar = new Float32Array(region.width * region.height * 3);
  const parts: Float32Array[] = [];
  for (let i = 0; i < image.count; i++) {
    throwIfAborted?.();
    hwcToPlanar(image.data.subarray(i * frame, (i + 1) * frame), image.width, image.height, region, planar);
    parts.push(await encode(planar, region.width, region.height));
  }
  return stackLatents(runtime, parts, region);
}

/**
 * Raw samples as `sharp(file).raw().toBuffer({ resolveWithObject: true })` gives them
 * (`{ data, width: info.width, height: info.height, channels: info.channels }`) → a one-item
 * LATENT for img2img, cropped (centred) to whole latent cells.
 */
export async function encodeRawImage(runtime: DiffusionRuntime, raw: RawPixels, signal?: AbortSignal): Promise<LatentValue> {
  const { encode, multiple } = encoderOf(runtime, raw.width, raw.height);
  const region = latentCellCrop(raw.width, raw.height, multiple);
  aborted(signal);
  const planar = rawToPlanar(raw, region);
  return stackLatents(runtime, [await encode(planar, region.width, region.height)], region);
}
