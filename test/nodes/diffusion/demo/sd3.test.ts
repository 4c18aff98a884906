/**
 * The demo SD3 stand-in: written twice it is byte-identical and small; its side files say what
 * a diffusers SD3 folder says (pipeline class, flow shift, VAE factors); every component opens
 * against the real SD3 contracts with the real tensor names, element types and ranks; the
 * three tokenizers load; and the chain runs with real onnxruntime — CLIP-L, bigG and T5 →
 * transformer → VAE at real shapes — with the prompt and the noise level both moving the
 * velocity, and the velocity built so the clean estimate x − σ·v does not depend on σ.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { openSession, type OpenedSession } from '../../../../engine/models/session.js';
import { sd3StandIn, SD3_DEMO } from '../../../../nodes/diffusion/demo/sd3.js';
import { SD3_TEXT_ENCODER, SD3_TEXT_ENCODER_2, SD3_TEXT_ENCODER_3, SD3_TRANSFORMER, SD3_VAE_DECODER, SD3_VAE_ENCODER } from '../../../../nodes/diffusion/families/sd3-contracts.js';
import { seededNoise } from '../../../../nodes/diffusion/sampling/noise.js';
import { ClipTokenizer } from '../../../../nodes/diffusion/text/clip-tokenizer.js';
import { T5Tokenizer } from '../../../../nodes/diffusion/text/t5-tokenizer.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-demo-sd3-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writeAll(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const dir = join(root, 'demo-sd3');
writeAll(dir, sd3StandIn().files);
const readJson = (path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8')) as Record<string, unknown>;

test('the stand-in is deterministic and small: generated twice, every file is byte-identical', () => {
  const again = sd3StandIn().files;
  for (const [path, content] of Object.entries(again)) {
    assert.ok(Buffer.from(readFileSync(join(dir, path))).equals(Buffer.from(content)), path);
  }
  const total = Object.values(again).reduce((sum, c) => sum + c.length, 0);
  assert.ok(total < 1.5 * 1024 * 1024, `the whole model is small (${total} bytes)`);
  assert.ok(!Buffer.from(sd3StandIn(4).files['transformer/model.onnx']!).equals(Buffer.from(again['transformer/model.onnx']!)), 'another seed, other weights');
});

test('the side files say what a diffusers SD3 folder says', () => {
  assert.equal(readJson('model_index.json')._class_name, 'StableDiffusion3Pipeline');
  assert.deepEqual(readJson('model_index.json').text_encoder_3, ['transformers', 'T5EncoderModel']);
  const manifest = readJson('manifest.json');
  assert.deepEqual(
    { family: manifest.family, name: manifest.name, demo: manifest.demo, latent_channels: manifest.latent_channels, scaling_factor: manifest.scaling_factor, shift_factor: manifest.shift_factor },
    { family: 'sd3', name: 'demo-sd3', demo: true, latent_channels: 16, scaling_factor: 1.5305, shift_factor: 0.0609 },
  );
  assert.equal(readJson('scheduler/scheduler_config.json').shift, 3);
  assert.equal(readJson('scheduler/scheduler_config.json')._class_name, 'FlowMatchEulerDiscreteScheduler');
  assert.equal(readJson('tokenizer_2/special_tokens_map.json').pad_token, '!');
});

function shapeOf(opened: OpenedSession, side: 'inputs' | 'outputs', name: string): { type: string; shape: readonly (number | string)[] } {
  const found = opened.info[side].find((t) => t.name === name);
  assert.ok(found, `${side} ${name}`);
  return { type: found.type, shape: found.shape };
}

test('every component opens against the SD3 contracts, with the real names, types and ranks', async () => {
  const open = (folder: string, contract: typeof SD3_TRANSFORMER) => openSession('demo-sd3', contract, join(dir, folder, 'model.onnx'));
  const clipL = await open('text_encoder', SD3_TEXT_ENCODER);
  const clipG = await open('text_encoder_2', SD3_TEXT_ENCODER_2);
  const t5 = await open('text_encoder_3', SD3_TEXT_ENCODER_3);
  const transformer = await open('transformer', SD3_TRANSFORMER);
  const decoder = await open('vae_decoder', SD3_VAE_DECODER);
  const encoder = await open('vae_encoder', SD3_VAE_ENCODER);
  try {
    assert.deepEqual(shapeOf(clipL, 'inputs', 'input_ids'), { type: 'int32', shape: ['batch', 'sequence'] });
    assert.deepEqual(clipL.info.outputs.map((t) => t.name), ['text_embeds', 'last_hidden_state', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2']);
    assert.deepEqual(shapeOf(clipL, 'outputs', 'text_embeds'), { type: 'float32', shape: ['batch', SD3_DEMO.clipL] });
    assert.deepEqual(shapeOf(clipL, 'outputs', 'hidden_states.1'), { type: 'float32', shape: ['batch', 'sequence', SD3_DEMO.clipL] });

    assert.deepEqual(shapeOf(clipG, 'inputs', 'input_ids'), { type: 'int64', shape: ['batch', 'sequence'] });
    assert.deepEqual(clipG.info.outputs.map((t) => t.name), ['text_embeds', 'last_hidden_state', 'hidden_states.0', 'hidden_states.1', 'hidden_states.2', 'hidden_states.3']);
    assert.deepEqual(shapeOf(clipG, 'outputs', 'text_embeds'), { type: 'float32', shape: ['batch', SD3_DEMO.clipG] });
    assert.deepEqual(shapeOf(clipG, 'outputs', 'last_hidden_state'), { type: 'float32', shape: ['batch', 'sequence', SD3_DEMO.clipG] });

    assert.deepEqual(shapeOf(t5, 'inputs', 'input_ids'), { type: 'int64', shape: ['batch', 'sequence'] });
    assert.deepEqual(shapeOf(t5, 'outputs', 'last_hidden_state'), { type: 'float32', shape: ['batch', 'sequence', SD3_DEMO.t5] });
    assert.ok(SD3_DEMO.t5 > SD3_DEMO.clipL + SD3_DEMO.clipG, 'T5 is wider than both CLIPs together, so the padding is exercised');

    assert.deepEqual(transformer.info.inputs.map((t) => t.name), ['hidden_states', 'encoder_hidden_states', 'pooled_projections', 'timestep']);
    assert.deepEqual(shapeOf(transformer, 'inputs', 'hidden_states'), { type: 'float32', shape: ['batch', 16, 'height', 'width'] });
    assert.deepEqual(shapeOf(transformer, 'inputs', 'encoder_hidden_states'), { type: 'float32', shape: ['batch', SD3_DEMO.context + SD3_DEMO.t5Length, SD3_DEMO.t5] });
    assert.deepEqual(shapeOf(transformer, 'inputs', 'pooled_projections'), { type: 'float32', shape: ['batch', SD3_DEMO.clipL + SD3_DEMO.clipG] });
    assert.deepEqual(shapeOf(transformer, 'inputs', 'timestep'), { type: 'float32', shape: ['batch'] });
    assert.deepEqual(shapeOf(transformer, 'outputs', 'out_hidden_states'), { type: 'float32', shape: ['batch', 16, 'height', 'width'] });

    assert.deepEqual(shapeOf(decoder, 'inputs', 'latent_sample'), { type: 'float32', shape: ['batch', 16, 'latent_height', 'latent_width'] });
    assert.deepEqual(shapeOf(decoder, 'outputs', 'sample'), { type: 'float32', shape: ['batch', 3, 'height', 'width'] });
    assert.deepEqual(shapeOf(encoder, 'inputs', 'sample'), { type: 'float32', shape: ['batch', 3, 'height', 'width'] });
    assert.deepEqual(shapeOf(encoder, 'outputs', 'latent_parameters'), { type: 'float32', shape: ['batch', 32, 'latent_height', 'latent_width'] });
  } finally {
    for (const opened of [clipL, clipG, t5, transformer, decoder, encoder]) await opened.session.release();
  }
});

test('the chain runs at real shapes: the prompt and σ move the velocity, and x − σ·v is the same target at every σ', async () => {
  const clipL = await openSession('demo-sd3', SD3_TEXT_ENCODER, join(dir, 'text_encoder', 'model.onnx'));
  const clipG = await openSession('demo-sd3', SD3_TEXT_ENCODER_2, join(dir, 'text_encoder_2', 'model.onnx'));
  const t5 = await openSession('demo-sd3', SD3_TEXT_ENCODER_3, join(dir, 'text_encoder_3', 'model.onnx'));
  const transformer = await openSession('demo-sd3', SD3_TRANSFORMER, join(dir, 'transformer', 'model.onnx'));
  const decoder = await openSession('demo-sd3', SD3_VAE_DECODER, join(dir, 'vae_decoder', 'model.onnx'));
  const encoder = await openSession('demo-sd3', SD3_VAE_ENCODER, join(dir, 'vae_encoder', 'model.onnx'));
  try {
    const files = (folder: string) => ({ vocab: readJson(`${folder}/vocab.json`) as Record<string, number>, merges: readFileSync(join(dir, folder, 'merges.txt'), 'utf8').split('\n') });
    const tokenizerL = new ClipTokenizer(files('tokenizer'));
    const tokenizerG = new ClipTokenizer(files('tokenizer_2'), { padToken: '!' });
    const tokenizerT5 = T5Tokenizer.fromTokenizerJson(readJson('tokenizer_3/tokenizer.json'), { maxLength: SD3_DEMO.t5Length });

    // A hand-built conditioning: [CLIP-L ‖ bigG ‖ zeros] for 77 rows, then T5's 256 rows.
    const condition = async (prompt: string) => {
      const l = await clipL.session.run({ input_ids: new ort.Tensor('int32', Int32Array.from(tokenizerL.encode(prompt).ids), [1, 77]) });
      const g = await clipG.session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(tokenizerG.encode(prompt).ids, BigInt), [1, 77]) });
      const t = await t5.session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(tokenizerT5.encode(prompt).ids, BigInt), [1, SD3_DEMO.t5Length]) });
      assert.deepEqual(l['hidden_states.1']!.dims, [1, 77, SD3_DEMO.clipL]);
      assert.deepEqual(g['hidden_states.2']!.dims, [1, 77, SD3_DEMO.clipG]);
      assert.deepEqual(t.last_hidden_state!.dims, [1, SD3_DEMO.t5Length, SD3_DEMO.t5]);
      const width = SD3_DEMO.t5;
      const hidden = new Float32Array((77 + SD3_DEMO.t5Length) * width);
      const lh = l['hidden_states.1']!.data as Float32Array;
      const gh = g['hidden_states.2']!.data as Float32Array;
      for (let r = 0; r < 77; r++) {
        hidden.set(lh.subarray(r * SD3_DEMO.clipL, (r + 1) * SD3_DEMO.clipL), r * width);
        hidden.set(gh.subarray(r * SD3_DEMO.clipG, (r + 1) * SD3_DEMO.clipG), r * width + SD3_DEMO.clipL);
      }
      hidden.set(t.last_hidden_state!.data as Float32Array, 77 * width);
      const pooled = Float32Array.from([...(l.text_embeds!.data as Float32Array), ...(g.text_embeds!.data as Float32Array)]);
      return { hidden: new ort.Tensor('float32', hidden, [1, 77 + SD3_DEMO.t5Length, width]), pooled: new ort.Tensor('float32', pooled, [1, pooled.length]) };
    };
    const red = await condition('a red barn');
    const blue = await condition('a blue lake at dawn');

    const x = seededNoise(0, 16 * 8 * 8);
    const velocity = async (cond: typeof red, sigma: number) => {
      const out = await transformer.session.run({
        hidden_states: new ort.Tensor('float32', x, [1, 16, 8, 8]),
        encoder_hidden_states: cond.hidden,
        pooled_projections: cond.pooled,
        timestep: new ort.Tensor('float32', Float32Array.from([sigma * 1000]), [1]),
      });
      assert.deepEqual(out.out_hidden_states!.dims, [1, 16, 8, 8]);
      return out.out_hidden_states!.data as Float32Array;
    };
    const base = await velocity(red, 1);
    assert.notDeepEqual(Array.from(await velocity(blue, 1)), Array.from(base), 'the prompt moves the output');
    const half = await velocity(red, 0.5);
    assert.notDeepEqual(Array.from(half), Array.from(base), 'σ moves the output');
    for (let i = 0; i < x.length; i++) assert.ok(Math.abs((x[i]! - 1 * base[i]!) - (x[i]! - 0.5 * half[i]!)) < 1e-4, 'x − σ·v is σ-independent');

    const decoded = await decoder.session.run({ latent_sample: new ort.Tensor('float32', x, [1, 16, 8, 8]) });
    assert.deepEqual(decoded.sample!.dims, [1, 3, 64, 64]);
    assert.ok((decoded.sample!.data as Float32Array).every((v) => v >= -1 && v <= 1));
    const encoded = await encoder.session.run({ sample: decoded.sample! });
    assert.deepEqual(encoded.latent_parameters!.dims, [1, 32, 8, 8]);
  } finally {
    for (const opened of [clipL, clipG, t5, transformer, decoder, encoder]) await opened.session.release();
  }
});
