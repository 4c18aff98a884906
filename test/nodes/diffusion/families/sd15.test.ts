/**
 * SD 1.x text to image end to end on the generated demo stand-in, through real onnxruntime
 * sessions opened against the SD contracts: the image has the asked size and 0..1 values; the
 * same seed gives the same image bit for bit; seed 0 is a seed like any other; the seed and the
 * prompt both change the picture; every sampler and schedule runs; progress is reported per
 * step and an abort stops the run; an LCM UNet gets its guidance embedding instead of CFG.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sd15StandIn } from '../../../../nodes/diffusion/demo/sd15.js';
import { loadDiffusionModel } from '../../../../nodes/diffusion/model/load.js';
import { SAMPLERS, SCHEDULERS, type DiffusionRuntime } from '../../../../nodes/diffusion/model/types.js';
import { textToImage, type TextToImageRequest } from '../../../../nodes/diffusion/pipeline/text-to-image.js';
import { scaledLinearSchedule, sigmaAt, timestepAt } from '../../../../nodes/diffusion/sampling/sigmas.js';
import { useDemoModel } from '../demo-model.js';

let model: DiffusionRuntime;

const root = useDemoModel('demo-sd15', (loaded) => {
  model = loaded;
});

const base: TextToImageRequest = { prompt: 'a red barn in a green field', width: 64, height: 48, steps: 4, cfg: 7.5, seed: 1234 };

test('sigma ↔ timestep round trip on the training schedule', () => {
  const schedule = scaledLinearSchedule();
  for (const t of [0, 1.5, 250.25, 999]) assert.ok(Math.abs(timestepAt(schedule, sigmaAt(schedule, t)) - t) < 1e-6, String(t));
});

test('an image of the asked size, values in 0..1, the same bit for bit for the same seed', async () => {
  const a = await textToImage(model, base);
  assert.deepEqual([a.width, a.height, a.count, a.pixels.length], [64, 48, 1, 64 * 48 * 3]);
  assert.ok(a.pixels.every((v) => v >= 0 && v <= 1));
  const b = await textToImage(model, base);
  assert.ok(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer)));
  assert.equal(a.truncated, 0);
});

test('the stand-in draws structure, not noise: neighbouring pixels are far more alike than distant ones', async () => {
  const image = await textToImage(model, { ...base, width: 128, height: 128, steps: 12 });
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
  const zero = await textToImage(model, { ...base, seed: 0 });
  const zeroAgain = await textToImage(model, { ...base, seed: 0 });
  assert.ok(Buffer.from(zero.pixels.buffer).equals(Buffer.from(zeroAgain.pixels.buffer)));
  const one = await textToImage(model, { ...base, seed: 1 });
  assert.ok(!Buffer.from(zero.pixels.buffer).equals(Buffer.from(one.pixels.buffer)));
  const other = await textToImage(model, { ...base, seed: 0, prompt: 'a blue lake at dawn' });
  assert.ok(!Buffer.from(zero.pixels.buffer).equals(Buffer.from(other.pixels.buffer)));
});

test('prompt weighting changes the picture; weight 1 and plain text are the same', async () => {
  const plain = await textToImage(model, { ...base, prompt: 'red barn' });
  const same = await textToImage(model, { ...base, prompt: '(red:1.0) barn' });
  assert.ok(Buffer.from(plain.pixels.buffer).equals(Buffer.from(same.pixels.buffer)));
  const stressed = await textToImage(model, { ...base, prompt: '(red:1.8) barn' });
  assert.ok(!Buffer.from(plain.pixels.buffer).equals(Buffer.from(stressed.pixels.buffer)));
});

test('every sampler and schedule runs; progress per step; an abort stops the run', async () => {
  for (const sampler of SAMPLERS) {
    for (const scheduler of SCHEDULERS) {
      const steps: number[] = [];
      const image = await textToImage(model, { ...base, sampler, scheduler, onStep: (done) => steps.push(done) });
      assert.deepEqual(steps, [1, 2, 3, 4], `${sampler}/${scheduler}`);
      assert.ok(image.pixels.every(Number.isFinite));
    }
  }
  const controller = new AbortController();
  const run = textToImage(model, { ...base, steps: 20, signal: controller.signal, onStep: (done) => done === 2 && controller.abort(new Error('stop here')) });
  await assert.rejects(run, /stop here/);
  await assert.rejects(textToImage(model, { ...base, width: 60 }), /multiples of 8 for model demo-sd15/);
});

test('an LCM UNet (with timestep_cond) takes the guidance as an embedding: one branch, no negative prompt, cfg changes the picture', async () => {
  const dir = join(root, 'demo-lcm');
  for (const [path, content] of Object.entries(sd15StandIn(15, { lcm: true }).files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  const loaded = await loadDiffusionModel(root, 'demo-lcm');
  try {
    const lcm = loaded.value;
    assert.equal(lcm.embedsGuidance, true);
    const request: TextToImageRequest = { ...base, sampler: 'lcm', scheduler: 'sgm_uniform', steps: 4, cfg: 1.5 };
    const a = await textToImage(lcm, request);
    const sameWithOtherNegative = await textToImage(lcm, { ...request, negativePrompt: 'anything at all' });
    assert.ok(Buffer.from(a.pixels.buffer).equals(Buffer.from(sameWithOtherNegative.pixels.buffer)), 'no negative branch runs');
    const stronger = await textToImage(lcm, { ...request, cfg: 8 });
    assert.ok(!Buffer.from(a.pixels.buffer).equals(Buffer.from(stronger.pixels.buffer)), 'the guidance embedding reaches the UNet');
  } finally {
    await loaded.release();
  }
});
