/**
 * Smoke test on a real diffusion model folder (an ONNX export users bring), run only when
 * SWITCHYARD_REAL_MODEL points at one: it loads through `loadDiffusionModel` (contracts checked),
 * draws one small image in 2 steps and checks the size, that every value is finite and in 0..1,
 * and that two seeds give different pictures. The size defaults to 256 px (512 for SDXL); set
 * SWITCHYARD_REAL_MODEL_SIZE for exports with fixed spatial dimensions. Minutes on a CPU.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, dirname, resolve } from 'node:path';
import { loadDiffusionModel } from '../../../nodes/diffusion/model/load.js';
import { textToImage } from '../../../nodes/diffusion/pipeline/text-to-image.js';

const folder = process.env.SWITCHYARD_REAL_MODEL?.trim();
const skip = folder ? false : 'set SWITCHYARD_REAL_MODEL=/path/to/an/onnx/model/folder to run the real-model smoke test';

test('a real model folder loads and draws a small image that depends on the seed', { skip, timeout: 30 * 60_000 }, async () => {
  const dir = resolve(folder!);
  const loaded = await loadDiffusionModel(dirname(dir), basename(dir));
  try {
    const runtime = loaded.value;
    const size = Number(process.env.SWITCHYARD_REAL_MODEL_SIZE ?? (runtime.family === 'sdxl' ? 512 : 256));
    const request = { prompt: 'a lighthouse on a rocky coast at sunset', negativePrompt: 'blurry', width: size, height: size, steps: 2, cfg: 5 };
    const a = await textToImage(runtime, { ...request, seed: 1 });
    assert.deepEqual([a.width, a.height, a.count, a.pixels.length], [size, size, 1, size * size * 3]);
    assert.ok(a.pixels.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), 'every value is finite and in 0..1');
    const b = await textToImage(runtime, { ...request, seed: 2 });
    assert.ok(!Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer)), 'seeds 1 and 2 give different images');
  } finally {
    await loaded.release();
  }
});
