/**
 * SD 1.x text to image end to end on the generated demo stand-in, through real onnxruntime
 * sessions opened against the SD contracts: the image has the asked size and 0..1 values; the
 * same seed gives the same image bit for bit; seed 0 is a seed like any other; the seed and the
 * prompt both change the picture; every sampler and schedule runs; progress is reported per
 * step and an abort stops the run.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession } from '../../../../engine/models/session.js';
import { SD_TEXT_ENCODER, SD_UNET, SD_VAE_DECODER } from '../../../../nodes/diffusion/contracts.js';
import { generateDemoModels } from '../../../../nodes/diffusion/demo/generate.js';
import { sd15TextToImage, type Sd15Model, type Sd15Request } from '../../../../nodes/diffusion/pipelines/sd15.js';
import { ClipTokenizer } from '../../../../nodes/diffusion/text/clip-tokenizer.js';
import { scaledLinearSchedule, sigmaAt, timestepAt } from '../../../../nodes/diffusion/sampling/sigmas.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-sd15-'));
let model: Sd15Model;

before(async () => {
  await generateDemoModels(root);
  const dir = join(root, 'demo-sd15');
  model = {
    tokenizer: new ClipTokenizer({
      vocab: JSON.parse(readFileSync(join(dir, 'tokenizer', 'vocab.json'), 'utf8')) as Record<string, number>,
      merges: readFileSync(join(dir, 'tokenizer', 'merges.txt'), 'utf8').split('\n'),
    }),
    textEncoder: await openSession('demo-sd15', SD_TEXT_ENCODER, join(dir, 'text_encoder', 'model.onnx')),
    unet: await openSession('demo-sd15', SD_UNET, join(dir, 'unet', 'model.onnx')),
    vaeDecoder: await openSession('demo-sd15', SD_VAE_DECODER, join(dir, 'vae_decoder', 'model.onnx')),
    scalingFactor: 0.18215,
    latentChannels: 4,
  };
});
after(async () => {
  for (const part of [model?.textEncoder, model?.unet, model?.vaeDecoder]) await part?.session.release();
  rmSync(root, { recursive: true, force: true });
});

const base: Sd15Request = { prompt: 'a red barn in a green field', width: 64, height: 48, steps: 4, cfg: 7.5, seed: 1234 };

test('sigma ↔ timestep round trip on the training schedule', () => {
  const schedule = scaledLinearSchedule();
  for (const t of [0, 1.5, 250.25, 999]) assert.ok(Math.abs(timestepAt(schedule, sigmaAt(schedule, t)) - t) < 1e-6, String(t));
});

test('an image of the asked size, values in 0..1, the same bit for bit for the same seed', async () => {
  const a = await sd15TextToImage(model, base);
  assert.deepEqual([a.width, a.height, a.pixels.length], [64, 48, 64 * 48 * 3]);
  assert.ok(a.pixels.every((v) => v >= 0 && v <= 1));
  const b = await sd15TextToImage(model, base);
  assert.ok(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer)));
  assert.equal(a.truncated, 0);
});

test('the stand-in draws structure, not noise: neighbouring pixels are far more alike than distant ones', async () => {
  const image = await sd15TextToImage(model, { ...base, width: 128, height: 128, steps: 12 });
  const at = (x: number, y: number, c: number) => image.pixels[(y * 128 + x) * 3 + c]!;
  let near = 0;
  let far = 0;
  let count = 0;
  for (let y = 0; y < 128; y++) {
    for (let x = 0; x + 1 < 128; x++) {
      for (let c = 0; c < 3; c++) {
        near += Math.abs(at(x, y, c) - at(x + 1, y, c));
        far += Math.abs(at(x, y, c) - at((x * 37 + 11) % 128, (y * 53 + 7) % 128, c));
        count++;
      }
    }
  }
  assert.ok(near / count < 0.5 * (far / count), `adjacent ${near / count} vs distant ${far / count}`);
});

test('seed 0 is a seed like any other; seed and prompt both change the picture', async () => {
  const zero = await sd15TextToImage(model, { ...base, seed: 0 });
  const zeroAgain = await sd15TextToImage(model, { ...base, seed: 0 });
  assert.ok(Buffer.from(zero.pixels.buffer).equals(Buffer.from(zeroAgain.pixels.buffer)));
  const one = await sd15TextToImage(model, { ...base, seed: 1 });
  assert.ok(!Buffer.from(zero.pixels.buffer).equals(Buffer.from(one.pixels.buffer)));
  const other = await sd15TextToImage(model, { ...base, seed: 0, prompt: 'a blue lake at dawn' });
  assert.ok(!Buffer.from(zero.pixels.buffer).equals(Buffer.from(other.pixels.buffer)));
});

test('prompt weighting changes the picture; weight 1 and plain text are the same', async () => {
  const plain = await sd15TextToImage(model, { ...base, prompt: 'red barn' });
  const same = await sd15TextToImage(model, { ...base, prompt: '(red:1.0) barn' });
  assert.ok(Buffer.from(plain.pixels.buffer).equals(Buffer.from(same.pixels.buffer)));
  const stressed = await sd15TextToImage(model, { ...base, prompt: '(red:1.8) barn' });
  assert.ok(!Buffer.from(plain.pixels.buffer).equals(Buffer.from(stressed.pixels.buffer)));
});

test('every sampler and schedule runs; progress per step; an abort stops the run', async () => {
  for (const sampler of ['euler', 'euler_ancestral', 'ddim'] as const) {
    for (const scheduler of ['normal', 'karras'] as const) {
      const steps: number[] = [];
      const image = await sd15TextToImage(model, { ...base, sampler, scheduler, onStep: (done) => steps.push(done) });
      assert.deepEqual(steps, [1, 2, 3, 4], `${sampler}/${scheduler}`);
      assert.ok(image.pixels.every(Number.isFinite));
    }
  }
  const controller = new AbortController();
  const run = sd15TextToImage(model, { ...base, steps: 20, signal: controller.signal, onStep: (done) => done === 2 && controller.abort(new Error('stop here')) });
  await assert.rejects(run, /stop here/);
  await assert.rejects(sd15TextToImage(model, { ...base, width: 60 }), /multiples of 8/);
});
