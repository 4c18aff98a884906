/**
 * Flux (dev and schnell) end to end on the generated demo stand-ins, through real onnxruntime
 * sessions opened against the Flux contracts: 2×2 packing in diffusers' exact order and back,
 * `img_ids` values and the declared rank/dtype of position ids, flow sigmas with a fixed and a
 * resolution-dependent (dynamic) shift; then text to image — size, 0..1 values, the same bits
 * for the same seed, seed 0, seed and prompt both change the picture, structure not noise, every
 * sampler and schedule, abort — the distilled guidance of dev (from the conditioning or the
 * request), sizes not in 16-pixel multiples refused, a schnell folder (no `guidance` input)
 * running with cfg 1, and a transformer without `img_ids` refused by name.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { encodeOnnxModel, type SessionInfo } from '../../../../engine/nodes/index.js';
import { fluxStandIn } from '../../../../nodes/diffusion/demo/flux.js';
import { flowSigmas } from '../../../../nodes/diffusion/sampling/flow-sigmas.js';
import { fluxMu, fluxShift, fluxShiftConfig, plainPrompt } from '../../../../nodes/diffusion/families/flux.js';
import { fluxImageIds, packLatents, positionsInput, unpackLatents } from '../../../../nodes/diffusion/families/flux-packing.js';
import { loadDiffusionModel } from '../../../../nodes/diffusion/model/load.js';
import { SAMPLERS, SCHEDULERS, type DiffusionRuntime, type LatentShape } from '../../../../nodes/diffusion/model/types.js';
import { emptyLatent } from '../../../../nodes/diffusion/pipeline/latent.js';
import { sample } from '../../../../nodes/diffusion/pipeline/sample.js';
import { textToImage, type TextToImageRequest } from '../../../../nodes/diffusion/pipeline/text-to-image.js';
import { flowMatchingSigmas } from '../../../../nodes/diffusion/sampling/sigmas.js';
import { seededNoise } from '../../../../nodes/diffusion/sampling/noise.js';
import { useDemoModel } from '../demo-model.js';

let model: DiffusionRuntime;

function writeAll(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const root = useDemoModel('demo-flux', (loaded) => {
  model = loaded;
});

const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const base: TextToImageRequest = { prompt: 'a red barn in a green field', width: 64, height: 48, steps: 4, cfg: 3.5, seed: 1234 };

test('packing follows diffusers: [C,h/2,2,w/2,2] → [h/2,w/2,C,2,2], channel-major within a patch', () => {
  // latent[c, y, x] = 100c + 10y + x on a 16×4×4 latent: four 2×2 patches of 64 features.
  const latent = new Float32Array(16 * 4 * 4);
  for (let c = 0; c < 16; c++) for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) latent[c * 16 + y * 4 + x] = 100 * c + 10 * y + x;
  const packed = packLatents(latent, 16, 4, 4);
  assert.equal(packed.length, 4 * 64);
  const token = (n: number) => Array.from(packed.subarray(n * 64, (n + 1) * 64));
  assert.deepEqual(token(0).slice(0, 8), [0, 1, 10, 11, 100, 101, 110, 111], 'patch (0,0): channel 0 then channel 1, rows then columns');
  assert.deepEqual(token(1).slice(0, 4), [2, 3, 12, 13], 'patch (0,1) is the next token');
  assert.deepEqual(token(2).slice(0, 4), [20, 21, 30, 31], 'patch (1,0) starts the second row of patches');
  assert.deepEqual(token(3).slice(60), [1522, 1523, 1532, 1533], 'the last patch ends with channel 15');
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      for (let c = 0; c < 16; c++) {
        for (let di = 0; di < 2; di++) for (let dj = 0; dj < 2; dj++) assert.equal(packed[(i * 2 + j) * 64 + c * 4 + di * 2 + dj], 100 * c + 10 * (2 * i + di) + (2 * j + dj));
      }
    }
  }
  assert.ok(same(unpackLatents(packed, 16, 4, 4), latent), 'unpack inverts pack');
  const noise = seededNoise(7, 16 * 6 * 10);
  assert.ok(same(unpackLatents(packLatents(noise, 16, 6, 10), 16, 6, 10), noise), 'round trip on a non-square latent');
  assert.throws(() => packLatents(new Float32Array(16 * 3 * 4), 16, 3, 4), /must be even/);
});

test('img_ids are (0, patch row, patch column); position ids follow the declared rank and dtype', () => {
  assert.deepEqual(Array.from(fluxImageIds(4, 6)), [0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 1, 2]);
  const ids = fluxImageIds(4, 4);
  const info = (type: string, shape: (string | number)[]): SessionInfo => ({ inputs: [{ name: 'img_ids', type, shape }], outputs: [] });
  const rank2 = positionsInput(info('float32', ['n', 3]), 'img_ids', ids, 4, 2);
  assert.deepEqual([rank2.type, rank2.dims], ['float32', [4, 3]]);
  const rank3 = positionsInput(info('int64', ['batch', 'n', 3]), 'img_ids', ids, 4, 2);
  assert.deepEqual([rank3.type, rank3.dims], ['int64', [2, 4, 3]]);
  assert.deepEqual(Array.from(rank3.data as BigInt64Array, Number), [...ids, ...ids]);
  const half = positionsInput(info('float16', ['n', 3]), 'img_ids', ids, 4, 1);
  assert.equal(half.type, 'float16');
});

test('flow sigmas: a fixed shift, or dynamic shifting by the image token count', () => {
  const dynamic = fluxShiftConfig({ shift: 3, use_dynamic_shifting: true, base_shift: 0.5, max_shift: 1.15, base_image_seq_len: 256, max_image_seq_len: 4096 });
  assert.ok(Math.abs(fluxMu(dynamic, 256) - 0.5) < 1e-12);
  assert.ok(Math.abs(fluxMu(dynamic, 4096) - 1.15) < 1e-12);
  assert.ok(Math.abs(fluxMu(dynamic, 2176) - 0.825) < 1e-12);
  // σ' = e^mu / (e^mu + (1/σ − 1)) at 512×512 (1024 tokens).
  const mu = fluxMu(dynamic, 1024);
  const sigmas = flowSigmas('normal', 4, fluxShift(dynamic, 1024));
  [1, 0.75, 0.5, 0.25].forEach((t, i) => assert.ok(Math.abs(sigmas[i]! - Math.exp(mu) / (Math.exp(mu) + (1 / t - 1))) < 1e-12, `step ${i}`));
  assert.equal(sigmas[4], 0);
  assert.equal(fluxShift(dynamic), Math.exp(1.15), 'without a size: max_image_seq_len');
  const fixed = fluxShiftConfig({ shift: 1, use_dynamic_shifting: false });
  assert.deepEqual(flowSigmas('normal', 4, fluxShift(fixed, 1024)), [1, 0.75, 0.5, 0.25, 0]);
  assert.equal(fluxShiftConfig(undefined).shift, 3, 'default shift 3');
  for (const scheduler of SCHEDULERS) {
    const list = flowSigmas(scheduler, 6, 3);
    assert.equal(list.length, 7, scheduler);
    assert.equal(list[6], 0, scheduler);
    assert.ok(list[0]! <= 1 && list.every((s, i) => i === 0 || s < list[i - 1]!), `${scheduler}: decreasing from at most 1`);
  }
  assert.deepEqual(flowSigmas('normal', 5, 3), flowMatchingSigmas(5, 3));

  // The loaded dev demo (dynamic shifting): a small image gets a smaller shift than the default.
  const small: LatentShape = { channels: 16, height: 16, width: 16 };
  assert.deepEqual(model.sigmas('normal', 4), flowSigmas('normal', 4, Math.exp(1.15)));
  const sized = (model.sigmas as (s: 'normal', n: number, shape?: LatentShape) => number[])('normal', 4, small);
  assert.deepEqual(sized, flowSigmas('normal', 4, fluxShift(dynamic, 64)));
  assert.ok(sized[1]! < model.sigmas('normal', 4)[1]!);
});

test('the runtime: flow prediction, 16 channels in 2×2 patches, embedded guidance; conditioning from T5 and pooled CLIP', async () => {
  assert.deepEqual([model.family, model.prediction, model.latentChannels, model.latentMultiple, model.downscale, model.scale, model.shift, model.embedsGuidance], ['flux', 'flow', 16, 2, 8, 0.3611, 0.1159, true]);
  const cond = await model.encodeText('a red barn');
  assert.deepEqual(cond.tensors.hidden!.dims, [1, 64, 32]);
  assert.deepEqual(cond.tensors.pooled!.dims, [1, 32]);
  assert.equal(cond.truncated, 0);
  // Weighting syntax is stripped and no weight applied.
  assert.equal(plainPrompt('a (red:1.5) [barn]'), 'a red barn');
  const weighted = await model.encodeText('a (red:1.5) barn');
  assert.ok(same(weighted.tensors.hidden!.data, cond.tensors.hidden!.data));
  assert.ok(same(weighted.tensors.pooled!.data, cond.tensors.pooled!.data));
  const long = await model.encodeText(Array.from({ length: 80 }, () => 'cat').join(' '));
  assert.equal(long.truncated, 80 - 63, 'T5 keeps 63 tokens and </s>');
});

test('an image of the asked size, values in 0..1, the same bit for bit for the same seed', async () => {
  const a = await textToImage(model, base);
  assert.deepEqual([a.width, a.height, a.count, a.pixels.length], [64, 48, 1, 64 * 48 * 3]);
  assert.ok(a.pixels.every((v) => v >= 0 && v <= 1));
  const b = await textToImage(model, base);
  assert.ok(same(a.pixels, b.pixels));
  const two = await textToImage(model, { ...base, batch: 2 });
  assert.equal(two.count, 2);
  assert.ok(same(two.pixels.subarray(0, a.pixels.length), a.pixels), 'the first of a batch is the single image');
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
  assert.ok(same(zero.pixels, zeroAgain.pixels));
  const one = await textToImage(model, { ...base, seed: 1 });
  assert.ok(!same(zero.pixels, one.pixels));
  const other = await textToImage(model, { ...base, seed: 0, prompt: 'a blue lake at dawn' });
  assert.ok(!same(zero.pixels, other.pixels));
});

test('dev guidance: from the request or the conditioning changes the picture; by default it is cfg', async () => {
  const byCfg = await textToImage(model, base);
  const explicit = await textToImage(model, { ...base, guidance: 3.5 });
  assert.ok(same(byCfg.pixels, explicit.pixels), 'guidance defaults to cfg');
  const low = await textToImage(model, { ...base, guidance: 1.5 });
  assert.ok(!same(byCfg.pixels, low.pixels), 'the request field moves the picture');

  const positive = await model.encodeText(base.prompt);
  const run = (guidance?: number) => sample(model, {
    positive: guidance === undefined ? positive : { ...positive, guidance },
    latent: emptyLatent(1, 16, 6, 8),
    seed: 5,
    steps: 3,
    cfg: 3.5,
    sampler: 'euler',
    scheduler: 'normal',
  });
  const plain = (await run()).samples.data;
  assert.ok(same((await run(3.5)).samples.data, plain));
  assert.ok(!same((await run(6)).samples.data, plain), 'positive.guidance moves the latent');
});

test('every sampler and schedule runs; progress per step; an abort stops the run; sizes must be multiples of 16', async () => {
  for (const sampler of SAMPLERS) {
    for (const scheduler of SCHEDULERS) {
      const steps: number[] = [];
      const image = await textToImage(model, { ...base, sampler, scheduler, onStep: (done) => steps.push(done) });
      assert.deepEqual(steps, [1, 2, 3, 4], `${sampler}/${scheduler}`);
      assert.ok(image.pixels.every((v) => Number.isFinite(v) && v >= 0 && v <= 1), `${sampler}/${scheduler}`);
    }
  }
  const controller = new AbortController();
  const run = textToImage(model, { ...base, steps: 20, signal: controller.signal, onStep: (done) => done === 2 && controller.abort(new Error('stop here')) });
  await assert.rejects(run, /stop here/);
  await assert.rejects(textToImage(model, { ...base, width: 72 }), /multiples of 16 for model demo-flux \(flux\), got 72×48/);
  await assert.rejects(textToImage(model, { ...base, height: 40 }), /multiples of 16/);
});

test('a schnell folder (no guidance input, shift 1) runs with ordinary CFG at cfg 1', async () => {
  writeAll(join(root, 'flux-schnell'), fluxStandIn(11, { variant: 'schnell' }).files);
  const loaded = await loadDiffusionModel(root, 'flux-schnell');
  try {
    const schnell = loaded.value;
    assert.equal(schnell.embedsGuidance, false);
    assert.deepEqual(schnell.sigmas('normal', 4), [1, 0.75, 0.5, 0.25, 0]);
    const request = { ...base, cfg: 1, steps: 4 };
    const a = await textToImage(schnell, request);
    assert.ok(a.pixels.every((v) => v >= 0 && v <= 1));
    assert.ok(same(a.pixels, (await textToImage(schnell, request)).pixels));
    // cfg ≠ 1 takes the classifier-free path (a negative prompt, batch 2) and changes the picture.
    const guided = await textToImage(schnell, { ...request, cfg: 2, negativePrompt: 'blurry' });
    assert.ok(!same(a.pixels, guided.pixels));
  } finally {
    await loaded.release();
  }
});

test('a transformer without img_ids is refused, naming the tensor and the component', async () => {
  const files = fluxStandIn().files;
  const broken = encodeOnnxModel({
    name: 'transformer',
    inputs: [
      { name: 'hidden_states', type: 'float32', shape: ['batch', 'tokens', 64] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 'text', 32] },
      { name: 'pooled_projections', type: 'float32', shape: ['batch', 32] },
      { name: 'timestep', type: 'float32', shape: ['batch'] },
      { name: 'txt_ids', type: 'float32', shape: ['text', 3] },
      { name: 'guidance', type: 'float32', shape: ['batch'] },
    ],
    outputs: [{ name: 'out_hidden_states', type: 'float32', shape: ['batch', 'tokens', 64] }],
    nodes: [{ op: 'Identity', inputs: ['hidden_states'], outputs: ['out_hidden_states'] }],
  });
  writeAll(join(root, 'flux-no-img-ids'), { ...files, 'transformer/model.onnx': broken });
  await assert.rejects(loadDiffusionModel(root, 'flux-no-img-ids'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'model_contract_mismatch');
    assert.match(error.message, /component transformer: input "img_ids": expected a tensor named "img_ids"/);
    return true;
  });
});
