/**
 * Latents ↔ pictures through the VAE in one pass each way, on real onnxruntime sessions of the
 * SD 1.x stand-in and real sharp: decoding straight to 8-bit RGB gives the bytes the IMAGE route
 * (decodeLatents then the image pack's frameToRgb8) gives; sharp's raw output of an RGBA, a grey
 * and a 16-bit PNG of odd size encodes to the latent the LoadImage route (decodeImage then
 * VAEEncode's crop and layout) gives; a model without a VAE encoder and a picture smaller than a
 * latent cell are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { createImage, type LatentValue } from '../../../../engine/nodes/index.js';
import type { DiffusionRuntime } from '../../../../nodes/diffusion/model/types.js';
import { decodeLatents, decodeLatentsToRgb8, encodeImages, encodeRawImage, latentCellCrop } from '../../../../nodes/diffusion/pipeline/vae-io.js';
import { decodeImage, frameToRgb8 } from '../../../../nodes/image/sharp-io.js';
import { useDemoModel } from '../demo-model.js';

let model: DiffusionRuntime;

useDemoModel('demo-sd15', (loaded) => {
  model = loaded;
});

function sameFloats(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

test('a LATENT batch decodes straight to 8-bit RGB frames equal to the IMAGE route through frameToRgb8', async () => {
  const dims = [2, 4, 5, 7];
  const data = Float32Array.from({ length: 2 * 4 * 5 * 7 }, (_, i) => Math.sin(i * 0.37) * 3);
  const latent: LatentValue = { kind: 'latent', samples: { dims, data } };
  const bytes = await decodeLatentsToRgb8(model, latent);
  const floats = await decodeLatents(model, latent);
  assert.deepEqual([bytes.width, bytes.height, bytes.count], [56, 40, 2]);
  assert.deepEqual([floats.width, floats.height, floats.count], [56, 40, 2]);
  const image = createImage(floats.width, floats.height, floats.count, floats.pixels);
  const frame = 56 * 40 * 3;
  for (let i = 0; i < 2; i++) assert.ok(frameToRgb8(image, i).equals(Buffer.from(bytes.data.subarray(i * frame, (i + 1) * frame))), `frame ${i}`);
  const single = await decodeLatents(model, { kind: 'latent', samples: { dims: [1, 4, 5, 7], data: data.subarray(4 * 5 * 7) } });
  assert.ok(sameFloats(single.pixels, floats.pixels.subarray(frame)), 'each item decodes on its own');
});

/** A PNG of odd size with structure in every channel. */
async function png(width: number, height: number, channels: 1 | 2 | 3 | 4, sixteenBit = false): Promise<Buffer> {
  const samples = Array.from({ length: width * height * channels }, (_, i) => (i * 37 + (i % channels) * 91) % 256);
  if (sixteenBit) return sharp(Uint16Array.from(samples, (v) => v * 257 + (v % 7)), { raw: { width, height, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
  return sharp(Buffer.from(samples), { raw: { width, height, channels } }).png().toBuffer();
}

test('sharp raw output (RGBA, grey, grey+alpha, 16-bit RGB) encodes to the latent the LoadImage → VAEEncode route gives, cropped alike', async () => {
  for (const [channels, sixteenBit] of [[4, false], [1, false], [2, false], [3, true]] as const) {
    const file = await png(37, 29, channels, sixteenBit);
    // As the image pack reads files: 16-bit ones in rgb16, the rest as 8-bit sRGB.
    const raw = await (sixteenBit ? sharp(file).toColourspace('rgb16').raw({ depth: 'ushort' }) : sharp(file).raw()).toBuffer({ resolveWithObject: true });
    const data = sixteenBit ? new Uint16Array(Uint8Array.from(raw.data).buffer) : raw.data;
    const fromBytes = await encodeRawImage(model, { data, width: raw.info.width, height: raw.info.height, channels: raw.info.channels });
    const fromImage = await encodeImages(model, (await decodeImage(file, 'test image')).image);
    assert.deepEqual(fromBytes.samples.dims, [1, 4, 3, 4], `${channels} channels: 32×24 after the crop`);
    assert.deepEqual(fromBytes.samples.dims, fromImage.samples.dims);
    assert.ok(sameFloats(fromBytes.samples.data, fromImage.samples.data), `${channels} channels${sixteenBit ? ', 16-bit' : ''}: same latent`);
  }
  assert.deepEqual(latentCellCrop(37, 29, 8), { left: 2, top: 2, width: 32, height: 24 });
});

test('encoding is refused without a VAE encoder, and for a picture smaller than one latent cell', async () => {
  const tiny = { data: new Uint8Array(7 * 7 * 3), width: 7, height: 7, channels: 3 };
  await assert.rejects(encodeRawImage(model, tiny), /smaller than one latent cell \(8 px\)/);
  const noEncoder: DiffusionRuntime = { ...model, encodePlanar: undefined, encodeImage: undefined };
  await assert.rejects(encodeRawImage(noEncoder, { ...tiny, width: 8, height: 8, data: new Uint8Array(8 * 8 * 3) }), (error: Error & { code?: string }) => error.code === 'not_available');
  await assert.rejects(encodeImages(noEncoder, createImage(8, 8)), /has no VAE encoder/);
});
