/**
 * SD3 end to end on the generated demo stand-in, through real onnxruntime sessions opened
 * against the SD3 contracts: the runtime is a flow model with SD3's VAE factors; its sigmas are
 * the shifted flow schedule (hand-computed values for shift 3); the conditioning is CLIP-L's
 * and bigG's penultimate layers side by side, zero-padded to T5's width, then T5's tokens
 * ([1, 77+256, 48] here), with the two `text_embeds` as the pooled vector; text to image gives
 * the asked size in 0..1, the same bits for the same seed, seed 0 like any other, pictures the
 * seed and the prompt both move, structure rather than noise; every sampler and schedule
 * runs; an abort stops the run. A folder without text_encoder_3 still runs (zeros for T5), a
 * folder without manifest.json is still SD3 and takes the VAE factors from the VAE's config,
 * and a transformer without `pooled_projections` — or with the wrong pooled width — is refused
 * naming it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { openSession } from '../../../../engine/models/session.js';
import { encodeOnnxModel, type ValueSpec } from '../../../../engine/nodes/index.js';
import { SD3_DEMO } from '../../../../nodes/diffusion/demo/sd3.js';
import { joinClipHidden } from '../../../../nodes/diffusion/families/sd3.js';
import { flowShift, flowSigmas } from '../../../../nodes/diffusion/sampling/flow-sigmas.js';
import { SD3_TEXT_ENCODER, SD3_TEXT_ENCODER_2, SD3_TEXT_ENCODER_3 } from '../../../../nodes/diffusion/families/sd3-contracts.js';
import { loadDiffusionModel } from '../../../../nodes/diffusion/model/load.js';
import { SAMPLERS, SCHEDULERS, type DiffusionRuntime } from '../../../../nodes/diffusion/model/types.js';
import { textToImage, type TextToImageRequest } from '../../../../nodes/diffusion/pipeline/text-to-image.js';
import { ClipTokenizer } from '../../../../nodes/diffusion/text/clip-tokenizer.js';
import { T5Tokenizer } from '../../../../nodes/diffusion/text/t5-tokenizer.js';
import { useDemoModel } from '../demo-model.js';

let model: DiffusionRuntime;

const root = useDemoModel('demo-sd3', (loaded) => {
  model = loaded;
});
const demoDir = join(root, 'demo-sd3');

const base: TextToImageRequest = { prompt: 'a red barn in a green field', width: 64, height: 48, steps: 4, cfg: 4.5, seed: 1234 };
const WIDTH = SD3_DEMO.t5;
const CLIP = SD3_DEMO.clipL + SD3_DEMO.clipG;
const SEQUENCE = SD3_DEMO.context + SD3_DEMO.t5Length;

function near(actual: readonly number[], expected: readonly number[], tolerance = 1e-9): void {
  assert.equal(actual.length, expected.length, `[${actual.join(', ')}] vs [${expected.join(', ')}]`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= tolerance, `index ${i}: ${v} vs ${expected[i]}`));
}

/** A copy of the demo folder under another name, changed by `edit`. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = join(root, name);
  cpSync(demoDir, dir, { recursive: true });
  edit(dir);
  return name;
}

/** A transformer with the given inputs (velocity = the latent itself); enough to test what loading refuses. */
function plainTransformer(inputs: ValueSpec[]): Uint8Array {
  return encodeOnnxModel({
    name: 'transformer',
    inputs,
    outputs: [{ name: 'out_hidden_states', type: 'float32', shape: ['batch', 16, 'height', 'width'] }],
    nodes: [{ op: 'Identity', inputs: ['hidden_states'], outputs: ['out_hidden_states'] }],
  });
}

test('the shifted flow schedule: hand-computed values for shift 3, every scheduler name mapped', () => {
  // σ = 3t / (1 + 2t) at t = 1, 3/4, 1/2, 1/4, 0.
  near(flowSigmas('normal', 4, 3), [1, 0.9, 0.75, 0.5, 0]);
  near(flowSigmas('simple', 4, 3), [1, 0.9, 0.75, 0.5, 0]);
  near(flowSigmas('sgm_uniform', 4, 3), [0, 1, 2, 3].map((i) => flowShift(1 - (i * 0.999) / 4, 3)).concat(0));
  near(flowSigmas('normal', 2, 1), [1, 0.5, 0]);
  // Karras: σ_min = shift(1/1000) = 0.003/1.002, σ_max = 1; the middle of 3 steps is
  // ((1 + σ_min^(1/7))/2)^7 = ((1 + 0.4359782165)/2)^7.
  assert.ok(Math.abs(flowShift(0.001, 3) - 0.0029940119760479044) < 1e-15);
  near(flowSigmas('karras', 3, 3), [1, 0.09836146600768876, 0.0029940119760479044, 0], 1e-12);
  near(flowSigmas('karras', 1, 3), [1, 0]);
  assert.throws(() => flowSigmas('normal', 0, 3), /steps must be a positive integer/);
  // The loaded model takes shift 3 from scheduler_config.json.
  for (const scheduler of SCHEDULERS) near(model.sigmas(scheduler, 6), flowSigmas(scheduler, 6, 3));
});

test('the runtime is a flow model on 16 channels with SD3’s VAE factors and normal CFG', () => {
  assert.deepEqual(
    { family: model.family, prediction: model.prediction, latentChannels: model.latentChannels, downscale: model.downscale, latentMultiple: model.latentMultiple, scale: model.scale, shift: model.shift, embedsGuidance: model.embedsGuidance, previewFactors: model.previewFactors },
    { family: 'sd3', prediction: 'flow', latentChannels: 16, downscale: 8, latentMultiple: 2, scale: 1.5305, shift: 0.0609, embedsGuidance: false, previewFactors: undefined },
  );
  assert.ok(typeof model.encodeImage === 'function');
});

test('CLIP rows side by side, zero-padded to T5’s width, then T5’s rows; pooled is the two text_embeds', async () => {
  const prompt = 'a red barn';
  const cond = await model.encodeText(prompt);
  assert.equal(cond.family, 'sd3');
  assert.equal(cond.truncated, 0);
  const hidden = cond.tensors.hidden!;
  const pooled = cond.tensors.pooled!;
  assert.deepEqual(hidden.dims, [1, SEQUENCE, WIDTH]);
  assert.deepEqual(pooled.dims, [1, CLIP]);

  // What the three encoders give on their own (penultimate CLIP layers: hidden_states.1 of 0..2, .2 of 0..3).
  const readJson = (path: string) => JSON.parse(readFileSync(join(demoDir, path), 'utf8')) as Record<string, unknown>;
  const files = (folder: string) => ({ vocab: readJson(`${folder}/vocab.json`) as Record<string, number>, merges: readFileSync(join(demoDir, folder, 'merges.txt'), 'utf8').split('\n') });
  const clipL = await openSession('check', SD3_TEXT_ENCODER, join(demoDir, 'text_encoder', 'model.onnx'));
  const clipG = await openSession('check', SD3_TEXT_ENCODER_2, join(demoDir, 'text_encoder_2', 'model.onnx'));
  const t5 = await openSession('check', SD3_TEXT_ENCODER_3, join(demoDir, 'text_encoder_3', 'model.onnx'));
  try {
    const l = await clipL.session.run({ input_ids: new ort.Tensor('int32', Int32Array.from(new ClipTokenizer(files('tokenizer')).encode(prompt).ids), [1, 77]) });
    const g = await clipG.session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(new ClipTokenizer(files('tokenizer_2'), { padToken: '!' }).encode(prompt).ids, BigInt), [1, 77]) });
    const t5Ids = T5Tokenizer.fromTokenizerJson(readJson('tokenizer_3/tokenizer.json'), { maxLength: SD3_DEMO.t5Length }).encode(prompt).ids;
    const t = await t5.session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(t5Ids, BigInt), [1, SD3_DEMO.t5Length]) });
    const expectedClip = joinClipHidden(l['hidden_states.1']!.data as Float32Array, SD3_DEMO.clipL, g['hidden_states.2']!.data as Float32Array, SD3_DEMO.clipG, 77, WIDTH);
    assert.deepEqual(Array.from(hidden.data.subarray(0, 77 * WIDTH)), Array.from(expectedClip));
    assert.deepEqual(Array.from(hidden.data.subarray(77 * WIDTH)), Array.from(t.last_hidden_state!.data as Float32Array));
    assert.deepEqual(Array.from(pooled.data), [...(l.text_embeds!.data as Float32Array), ...(g.text_embeds!.data as Float32Array)]);
  } finally {
    for (const opened of [clipL, clipG, t5]) await opened.session.release();
  }
  for (let row = 0; row < 77; row++) {
    const cells = hidden.data.subarray(row * WIDTH, (row + 1) * WIDTH);
    assert.ok(cells.subarray(CLIP).every((v) => v === 0), `row ${row}: zeros after the CLIP widths`);
    assert.ok(cells.subarray(0, CLIP).some((v) => v !== 0), `row ${row}: CLIP values`);
  }
  assert.ok(hidden.data.subarray(77 * WIDTH).some((v) => v !== 0), 'T5 rows');
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
  assert.ok(far / count > 0.02, `the picture is not flat (${far / count})`);
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

test('every sampler and schedule runs; progress per step; an abort stops the run; odd sizes are refused', async () => {
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
  // The MMDiT works on 2×2 latent patches: sides in multiples of 16 pixels.
  await assert.rejects(textToImage(model, { ...base, width: 72 }), /multiples of 16 for model demo-sd3/);
});

test('a folder without text_encoder_3 still runs, with zeros in place of T5', async () => {
  const id = variant('demo-sd3-no-t5', (dir) => {
    rmSync(join(dir, 'text_encoder_3'), { recursive: true });
    rmSync(join(dir, 'tokenizer_3'), { recursive: true });
  });
  const loaded = await loadDiffusionModel(root, id);
  try {
    const cond = await loaded.value.encodeText('a red barn');
    assert.deepEqual(cond.tensors.hidden!.dims, [1, SEQUENCE, WIDTH]);
    assert.ok(cond.tensors.hidden!.data.subarray(77 * WIDTH).every((v) => v === 0), 'T5 rows are zeros');
    const withT5 = await model.encodeText('a red barn');
    assert.deepEqual(Array.from(cond.tensors.hidden!.data.subarray(0, 77 * WIDTH)), Array.from(withT5.tensors.hidden!.data.subarray(0, 77 * WIDTH)), 'the CLIP rows are the same');
    assert.deepEqual(Array.from(cond.tensors.pooled!.data), Array.from(withT5.tensors.pooled!.data));
    const image = await textToImage(loaded.value, base);
    assert.ok(image.pixels.every((v) => v >= 0 && v <= 1));
    const full = await textToImage(model, base);
    assert.ok(!Buffer.from(image.pixels.buffer).equals(Buffer.from(full.pixels.buffer)), 'T5 mattered');
  } finally {
    await loaded.release();
  }
});

test('without manifest.json the folder is SD3 by model_index.json, with the VAE factors from its config', async () => {
  const id = variant('demo-sd3-diffusers', (dir) => {
    rmSync(join(dir, 'manifest.json'));
    const config = JSON.parse(readFileSync(join(dir, 'vae_decoder', 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'vae_decoder', 'config.json'), JSON.stringify({ ...config, scaling_factor: 1.25, shift_factor: 0.5 }));
  });
  const loaded = await loadDiffusionModel(root, id);
  try {
    assert.deepEqual([loaded.value.family, loaded.value.latentChannels, loaded.value.scale, loaded.value.shift], ['sd3', 16, 1.25, 0.5]);
  } finally {
    await loaded.release();
  }
});

test('a transformer without pooled_projections, or with the wrong pooled width, is refused naming it', async () => {
  const inputs = (pooledWidth: number | null): ValueSpec[] => [
    { name: 'hidden_states', type: 'float32', shape: ['batch', 16, 'height', 'width'] },
    { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', SEQUENCE, WIDTH] },
    ...(pooledWidth === null ? [] : [{ name: 'pooled_projections', type: 'float32' as const, shape: ['batch', pooledWidth] }]),
    { name: 'timestep', type: 'float32', shape: ['batch'] },
  ];
  const missing = variant('demo-sd3-no-pooled', (dir) => writeFileSync(join(dir, 'transformer', 'model.onnx'), plainTransformer(inputs(null))));
  await assert.rejects(loadDiffusionModel(root, missing), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'model_contract_mismatch');
    assert.match(error.message, /component transformer: input "pooled_projections": expected a tensor named "pooled_projections"/);
    return true;
  });
  const wrong = variant('demo-sd3-wide-pooled', (dir) => writeFileSync(join(dir, 'transformer', 'model.onnx'), plainTransformer(inputs(CLIP + 8))));
  await assert.rejects(loadDiffusionModel(root, wrong), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'model_contract_mismatch');
    assert.match(error.message, new RegExp(`transformer input "pooled_projections": expected width ${CLIP} \\(${SD3_DEMO.clipL} \\+ ${SD3_DEMO.clipG} from the two CLIP text_embeds\\), found ${CLIP + 8}`));
    return true;
  });
});
