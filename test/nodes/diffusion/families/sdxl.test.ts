/**
 * SDXL text to image end to end on the generated demo stand-in, through real onnxruntime
 * sessions opened against the SDXL contracts: the folder is recognised as SDXL (diffusers'
 * class name, or a manifest saying "sdxl" or "pony"); the conditioning is the penultimate
 * hidden layers of both encoders side by side plus the second encoder's `text_embeds`, with
 * the second tokenizer padding with "!"; the image has the asked size and 0..1 values, is the
 * same bit for bit for the same seed, and changes with the seed and the prompt (Pony-style
 * score tags and prompt weighting included); every sampler and schedule runs; cfg 1 with 1–4
 * steps (SDXL-Turbo) runs; `time_ids` carry the image size; an abort stops the run; a UNet
 * without `time_ids` (or a refiner's 5-wide one) is refused by name; an fp16 UNet runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeOnnxModel, type ValueSpec } from '../../../../engine/nodes/index.js';
import { openSession } from '../../../../engine/models/session.js';
import { SDXL_DEMO } from '../../../../nodes/diffusion/demo/sdxl.js';
import { SDXL_TEXT_ENCODER, SDXL_TEXT_ENCODER_2 } from '../../../../nodes/diffusion/families/sdxl-contracts.js';
import { SDXL_PREVIEW_FACTORS, concatLastAxis, sdxlTimeIds } from '../../../../nodes/diffusion/families/sdxl.js';
import { penultimateHiddenOutput } from '../../../../nodes/diffusion/families/shared/clip-encode.js';
import { padTokenOf, readClipTokenizer } from '../../../../nodes/diffusion/model/folder.js';
import { familyOf, loadDiffusionModel } from '../../../../nodes/diffusion/model/load.js';
import { SAMPLERS, SCHEDULERS, type DiffusionRuntime } from '../../../../nodes/diffusion/model/types.js';
import { textToImage, type GeneratedImages, type TextToImageRequest } from '../../../../nodes/diffusion/pipeline/text-to-image.js';
import { idsInput } from '../../../../nodes/diffusion/families/shared/tensors.js';
import { useDemoModel } from '../demo-model.js';

let model: DiffusionRuntime;

const root = useDemoModel('demo-sdxl', (loaded) => {
  model = loaded;
});
const demoDir = join(root, 'demo-sdxl');

const base: TextToImageRequest = { prompt: 'a red barn in a green field', negativePrompt: 'blurry', width: 64, height: 48, steps: 4, cfg: 7, seed: 1234 };
const same = (a: GeneratedImages, b: GeneratedImages) => Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer));

/** A copy of the demo folder under another name, with `unet/model.onnx` replaced. */
function variantWithUnet(id: string, unet: Uint8Array): void {
  cpSync(demoDir, join(root, id), { recursive: true });
  writeFileSync(join(root, id, 'unet', 'model.onnx'), unet);
}

/** A toy UNet of the given inputs: out_sample = 0.5·sample + the mean of every other input. */
function toyUnet(inputs: ValueSpec[], type: 'float32' | 'float16' = 'float32'): Uint8Array {
  const cast = (name: string) => ({ op: 'Cast', inputs: [name], outputs: [`${name}_f32`], attributes: { to: { int: 1 } } });
  const others = inputs.filter((i) => i.name !== 'sample');
  return encodeOnnxModel({
    name: 'unet',
    inputs,
    outputs: [{ name: 'out_sample', type, shape: ['batch', 4, 'height', 'width'] }],
    initializers: [{ name: 'half', type: 'float32', dims: [1], data: Float32Array.from([0.5]) }],
    nodes: [
      ...inputs.map((i) => cast(i.name)),
      ...others.map((i) => ({ op: 'ReduceMean', inputs: [`${i.name}_f32`], outputs: [`${i.name}_mean`], attributes: { keepdims: { int: 0 } } })),
      { op: 'Mul', inputs: ['sample_f32', 'half'], outputs: ['acc0'] },
      ...others.map((i, n) => ({ op: 'Add', inputs: [`acc${n}`, `${i.name}_mean`], outputs: [`acc${n + 1}`] })),
      { op: 'Cast', inputs: [`acc${others.length}`], outputs: ['out_sample'], attributes: { to: { int: type === 'float16' ? 10 : 1 } } },
    ],
  });
}

const unetInputs = (type: 'float32' | 'float16', timeIdsWidth: number | null): ValueSpec[] => [
  { name: 'sample', type, shape: ['batch', 4, 'height', 'width'] },
  { name: 'timestep', type: type === 'float16' ? 'float16' : 'int64', shape: [1] },
  { name: 'encoder_hidden_states', type, shape: ['batch', 77, SDXL_DEMO.hidden1 + SDXL_DEMO.hidden2] },
  { name: 'text_embeds', type, shape: ['batch', SDXL_DEMO.pooled] },
  ...(timeIdsWidth === null ? [] : [{ name: 'time_ids', type, shape: ['batch', timeIdsWidth] }]),
];

test('familyOf: diffusers SDXL class names, and manifests saying sdxl, pony or sdxl-turbo, are SDXL', () => {
  for (const name of ['StableDiffusionXLPipeline', 'ORTStableDiffusionXLPipeline']) assert.equal(familyOf(root, undefined, { _class_name: name }), 'sdxl', name);
  for (const family of ['sdxl', 'pony', 'Pony', 'sdxl-turbo']) assert.equal(familyOf(root, { family }, undefined), 'sdxl', family);
  assert.equal(familyOf(demoDir, undefined, undefined), 'sdxl', 'unet/ and text_encoder_2/ with no manifest');
});

test('the penultimate hidden layer is the second-to-last hidden_states.N present', () => {
  const names = (n: number) => ['last_hidden_state', 'pooler_output', ...Array.from({ length: n }, (_, i) => `hidden_states.${i}`)];
  assert.equal(penultimateHiddenOutput(names(13)), 'hidden_states.11', 'CLIP-L: 12 layers');
  assert.equal(penultimateHiddenOutput(['text_embeds', ...names(33).reverse()]), 'hidden_states.31', 'bigG: 32 layers, in any order');
  assert.equal(penultimateHiddenOutput(['hidden_states.2', 'hidden_states.10', 'hidden_states.9']), 'hidden_states.9', 'numeric, not string order');
  assert.equal(penultimateHiddenOutput(names(1)), undefined);
  assert.equal(penultimateHiddenOutput(['last_hidden_state']), undefined);
  assert.deepEqual(Array.from(concatLastAxis(Float32Array.from([1, 2, 3, 4]), 2, Float32Array.from([5, 6]), 1, 2)), [1, 2, 5, 3, 4, 6]);
});

test('the runtime: SDXL scale, 4 channels, ε-prediction, classifier-free guidance, SDXL preview factors', () => {
  assert.equal(model.family, 'sdxl');
  assert.equal(model.scale, 0.13025);
  assert.equal(model.shift, 0);
  assert.equal(model.latentChannels, 4);
  assert.equal(model.prediction, 'epsilon');
  assert.equal(model.embedsGuidance, false);
  assert.deepEqual(model.previewFactors, SDXL_PREVIEW_FACTORS);
  assert.equal(typeof model.encodeImage, 'function');
});

test('tokenizer_2 pads with its stated pad token ("!"); pad_token may also come from tokenizer_config.json as an object', async () => {
  const first = await readClipTokenizer('demo-sdxl', demoDir, 'tokenizer');
  const second = await readClipTokenizer('demo-sdxl', demoDir, 'tokenizer_2');
  assert.equal(first.encode('a pony').ids.at(-1), first.endId);
  assert.equal(second.encode('a pony').ids.at(-1), second.padId);
  assert.notEqual(second.padId, second.endId);
  assert.equal(await padTokenOf(demoDir, 'tokenizer_2'), '!');
  const configured = join(root, 'tokenizer-config');
  mkdirSync(join(configured, 'tok'), { recursive: true });
  writeFileSync(join(configured, 'tok', 'tokenizer_config.json'), JSON.stringify({ pad_token: { content: '!', lstrip: false } }));
  assert.equal(await padTokenOf(configured, 'tok'), '!');
  assert.equal(await padTokenOf(configured, 'nothing-here'), undefined);
});

test('conditioning: penultimate layers of both encoders side by side [1,77,40], text_embeds as pooled [1,12]', async () => {
  const cond = await model.encodeText('a pony in a meadow');
  const width = SDXL_DEMO.hidden1 + SDXL_DEMO.hidden2;
  assert.deepEqual(cond.tensors.hidden!.dims, [1, 77, width]);
  assert.deepEqual(cond.tensors.pooled!.dims, [1, SDXL_DEMO.pooled]);
  assert.equal(cond.family, 'sdxl');

  // The same numbers straight from the encoders' hidden_states.1 and hidden_states.2.
  const text1 = await openSession('check', SDXL_TEXT_ENCODER, join(demoDir, 'text_encoder', 'model.onnx'));
  const text2 = await openSession('check', SDXL_TEXT_ENCODER_2, join(demoDir, 'text_encoder_2', 'model.onnx'));
  try {
    const ids1 = (await readClipTokenizer('check', demoDir, 'tokenizer')).encode('a pony in a meadow').ids;
    const ids2 = (await readClipTokenizer('check', demoDir, 'tokenizer_2')).encode('a pony in a meadow').ids;
    const out1 = await text1.session.run({ input_ids: idsInput(text1.info, 'input_ids', ids1, [1, 77]) });
    const out2 = await text2.session.run({ input_ids: idsInput(text2.info, 'input_ids', ids2, [1, 77]) });
    const expected = concatLastAxis(out1['hidden_states.1']!.data as Float32Array, SDXL_DEMO.hidden1, out2['hidden_states.2']!.data as Float32Array, SDXL_DEMO.hidden2, 77);
    assert.deepEqual(Array.from(cond.tensors.hidden!.data), Array.from(expected));
    assert.deepEqual(Array.from(cond.tensors.pooled!.data), Array.from(out2.text_embeds!.data as Float32Array));
  } finally {
    await text1.session.release();
    await text2.session.release();
  }

  // Prompt weighting reaches both encoders' halves.
  const stressed = await model.encodeText('a (pony:1.4) in a meadow');
  const differs = (from: number, to: number) => {
    for (let t = 0; t < 77; t++) for (let i = from; i < to; i++) if (stressed.tensors.hidden!.data[t * width + i] !== cond.tensors.hidden!.data[t * width + i]) return true;
    return false;
  };
  assert.ok(differs(0, SDXL_DEMO.hidden1), 'text_encoder half');
  assert.ok(differs(SDXL_DEMO.hidden1, width), 'text_encoder_2 half');
});

test('time_ids: [original h, original w, crop top, crop left, target h, target w] in pixels per item', () => {
  assert.deepEqual(Array.from(sdxlTimeIds(64, 48, 2)), [48, 64, 0, 0, 48, 64, 48, 64, 0, 0, 48, 64]);
  assert.deepEqual(Array.from(sdxlTimeIds(1024, 1024, 1)), [1024, 1024, 0, 0, 1024, 1024]);
});

test('an image of the asked size, values in 0..1, the same bit for bit for the same seed; other sizes too', async () => {
  const a = await textToImage(model, base);
  assert.deepEqual([a.width, a.height, a.count, a.pixels.length], [64, 48, 1, 64 * 48 * 3]);
  assert.ok(a.pixels.every((v) => v >= 0 && v <= 1));
  assert.ok(same(a, await textToImage(model, base)));
  assert.equal(a.truncated, 0);
  for (const [width, height] of [[48, 64], [96, 32], [8, 8]] as const) {
    const image = await textToImage(model, { ...base, width, height });
    assert.deepEqual([image.width, image.height, image.pixels.length], [width, height, width * height * 3]);
    assert.ok(image.pixels.every((v) => v >= 0 && v <= 1), `${width}×${height}`);
  }
  const batch = await textToImage(model, { ...base, batch: 2 });
  assert.equal(batch.count, 2);
  assert.ok(batch.pixels.every((v) => v >= 0 && v <= 1));
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
  assert.ok(near / count < 0.2 * (far / count), `adjacent ${near / count} vs distant ${far / count}`);
  assert.ok(far / count > 0.05, `the picture is not flat (${far / count})`);
});

test('seed 0 is a seed like any other; seed and prompt both change the picture', async () => {
  const zero = await textToImage(model, { ...base, seed: 0 });
  assert.ok(same(zero, await textToImage(model, { ...base, seed: 0 })));
  assert.ok(!same(zero, await textToImage(model, { ...base, seed: 1 })));
  assert.ok(!same(zero, await textToImage(model, { ...base, seed: 0, prompt: 'a blue lake at dawn' })));
});

test('a Pony prompt with score tags runs; weighting changes the picture; weight 1 and plain text are the same', async () => {
  const pony = 'score_9, score_8_up, score_7_up, a pony in a meadow';
  const plain = await textToImage(model, { ...base, prompt: pony, negativePrompt: 'score_4, score_5' });
  assert.ok(plain.pixels.every((v) => v >= 0 && v <= 1));
  assert.equal(plain.truncated, 0);
  const weighted = await textToImage(model, { ...base, prompt: 'score_9, score_8_up, score_7_up, a pony in a (meadow:1.4)', negativePrompt: 'score_4, score_5' });
  assert.ok(!same(plain, weighted));
  const unit = await textToImage(model, { ...base, prompt: 'score_9, score_8_up, score_7_up, a pony in a (meadow:1.0)', negativePrompt: 'score_4, score_5' });
  assert.ok(same(plain, unit));
});

test('SDXL-Turbo style: cfg 1 with 1 to 4 steps needs no negative prompt and gives valid images', async () => {
  for (const steps of [1, 2, 4]) {
    const done: number[] = [];
    const image = await textToImage(model, { prompt: 'a pony in a meadow', width: 64, height: 64, steps, cfg: 1, seed: 7, sampler: 'euler_ancestral', onStep: (n) => done.push(n) });
    assert.equal(done.length, steps);
    assert.ok(image.pixels.every((v) => v >= 0 && v <= 1), `${steps} steps`);
  }
});

test('every sampler and schedule runs; progress per step; an abort stops the run', async () => {
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
  await assert.rejects(textToImage(model, { ...base, width: 60 }), /multiples of 8 for model demo-sdxl/);
});

test('a UNet without time_ids, or with a refiner\'s 5-wide time_ids, is refused naming time_ids', async () => {
  variantWithUnet('no-time-ids', toyUnet(unetInputs('float32', null)));
  await assert.rejects(loadDiffusionModel(root, 'no-time-ids'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'model_contract_mismatch');
    assert.match(error.message, /component unet: input "time_ids": expected a tensor named "time_ids"/);
    return true;
  });
  variantWithUnet('refiner-like', toyUnet(unetInputs('float32', 5)));
  await assert.rejects(loadDiffusionModel(root, 'refiner-like'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'model_contract_mismatch');
    assert.match(error.message, /unet input "time_ids": expected 6 values per item .* found 5 \(an SDXL refiner UNet/);
    return true;
  });
});

test('an fp16 UNet (float16 sample, timestep, text_embeds and time_ids) runs end to end', async () => {
  variantWithUnet('fp16-unet', toyUnet(unetInputs('float16', 6), 'float16'));
  const loaded = await loadDiffusionModel(root, 'fp16-unet');
  try {
    const a = await textToImage(loaded.value, { ...base, steps: 2 });
    assert.ok(a.pixels.every((v) => Number.isFinite(v) && v >= 0 && v <= 1));
    assert.ok(same(a, await textToImage(loaded.value, { ...base, steps: 2 })));
  } finally {
    await loaded.release();
  }
});
