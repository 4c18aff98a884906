/**
 * The demo Flux stand-in (dev, and the schnell variant): generated twice it is byte-identical
 * and small; every component opens against the real Flux contracts with the real tensor names,
 * element types and ranks; the tokenizers load and agree with the manifest's T5 length; and the
 * chain runs with real onnxruntime — CLIP pooled vector, T5 states, the transformer on packed
 * tokens with every input (the prompt, the timestep, the guidance and the positions all move
 * its output), and the 16-channel VAE both ways at the real shapes.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { openSession, type OpenedSession } from '../../../../engine/models/session.js';
import { FLUX_DEMO_CLIP_HIDDEN, FLUX_DEMO_SEQUENCE, FLUX_DEMO_T5_HIDDEN, FLUX_PACKED_FEATURES, fluxStandIn } from '../../../../nodes/diffusion/demo/flux.js';
import { FLUX_CLIP_TEXT_ENCODER, FLUX_T5_ENCODER, FLUX_TRANSFORMER, FLUX_VAE_DECODER, FLUX_VAE_ENCODER } from '../../../../nodes/diffusion/families/flux-contracts.js';
import { fluxImageIds, packLatents } from '../../../../nodes/diffusion/families/flux-packing.js';
import { seededNoise } from '../../../../nodes/diffusion/sampling/noise.js';
import { ClipTokenizer } from '../../../../nodes/diffusion/text/clip-tokenizer.js';
import { T5Tokenizer } from '../../../../nodes/diffusion/text/t5-tokenizer.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-demo-flux-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writeAll(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const dir = join(root, 'demo-flux');
writeAll(dir, fluxStandIn().files);
const schnellDir = join(root, 'demo-flux-schnell');
writeAll(schnellDir, fluxStandIn(11, { variant: 'schnell' }).files);

const readJson = (path: string): Record<string, unknown> => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;

function signature(opened: OpenedSession): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of opened.info.inputs) out[`in ${t.name}`] = `${t.type} rank ${t.shape.length}`;
  for (const t of opened.info.outputs) out[`out ${t.name}`] = `${t.type} rank ${t.shape.length}`;
  return out;
}

test('the stand-in is deterministic, small, and a diffusers FluxPipeline folder with our manifest', () => {
  const again = fluxStandIn().files;
  for (const [path, content] of Object.entries(again)) {
    assert.ok(Buffer.from(readFileSync(join(dir, path))).equals(Buffer.from(content)), path);
  }
  const total = Object.values(again).reduce((sum, c) => sum + (typeof c === 'string' ? Buffer.byteLength(c) : c.length), 0);
  assert.ok(total < 1.5 * 1024 * 1024, `the whole model is small (${total} bytes)`);
  assert.ok(!Buffer.from(fluxStandIn(12).files['transformer/model.onnx'] as Uint8Array).equals(Buffer.from(again['transformer/model.onnx'] as Uint8Array)), 'the seed picks the weights');

  assert.equal(readJson(join(dir, 'model_index.json'))._class_name, 'FluxPipeline');
  const manifest = readJson(join(dir, 'manifest.json'));
  assert.deepEqual(
    [manifest.family, manifest.name, manifest.demo, manifest.variant, manifest.latent_channels, manifest.scaling_factor, manifest.shift_factor, manifest.max_sequence_length],
    ['flux', 'demo-flux', true, 'dev', 16, 0.3611, 0.1159, FLUX_DEMO_SEQUENCE],
  );
  assert.equal(readJson(join(dir, 'tokenizer_2', 'tokenizer_config.json')).model_max_length, FLUX_DEMO_SEQUENCE, 'the T5 tokenizer length matches the manifest');
  const scheduler = readJson(join(dir, 'scheduler', 'scheduler_config.json'));
  assert.equal(scheduler.use_dynamic_shifting, true);
  const schnell = readJson(join(schnellDir, 'manifest.json'));
  assert.deepEqual([schnell.variant, schnell.name], ['schnell', 'demo-flux-schnell']);
  assert.equal(readJson(join(schnellDir, 'scheduler', 'scheduler_config.json')).shift, 1);
});

test('every component opens against the Flux contracts with the real names, types and ranks', async () => {
  const opened = [
    await openSession('demo-flux', FLUX_CLIP_TEXT_ENCODER, join(dir, 'text_encoder', 'model.onnx')),
    await openSession('demo-flux', FLUX_T5_ENCODER, join(dir, 'text_encoder_2', 'model.onnx')),
    await openSession('demo-flux', FLUX_TRANSFORMER, join(dir, 'transformer', 'model.onnx')),
    await openSession('demo-flux', FLUX_VAE_DECODER, join(dir, 'vae_decoder', 'model.onnx')),
    await openSession('demo-flux', FLUX_VAE_ENCODER, join(dir, 'vae_encoder', 'model.onnx')),
    await openSession('demo-flux-schnell', FLUX_TRANSFORMER, join(schnellDir, 'transformer', 'model.onnx')),
  ];
  try {
    const [clip, t5, transformer, decoder, encoder, schnell] = opened as [OpenedSession, OpenedSession, OpenedSession, OpenedSession, OpenedSession, OpenedSession];
    assert.deepEqual(signature(clip), { 'in input_ids': 'int32 rank 2', 'out last_hidden_state': 'float32 rank 3', 'out pooler_output': 'float32 rank 2' });
    assert.deepEqual(signature(t5), { 'in input_ids': 'int64 rank 2', 'out last_hidden_state': 'float32 rank 3' });
    const transformerSignature = {
      'in hidden_states': 'float32 rank 3',
      'in encoder_hidden_states': 'float32 rank 3',
      'in pooled_projections': 'float32 rank 2',
      'in timestep': 'float32 rank 1',
      'in img_ids': 'float32 rank 2',
      'in txt_ids': 'float32 rank 2',
      'in guidance': 'float32 rank 1',
      'out out_hidden_states': 'float32 rank 3',
    };
    assert.deepEqual(signature(transformer), transformerSignature);
    assert.equal(transformer.info.inputs.find((t) => t.name === 'hidden_states')!.shape[2], FLUX_PACKED_FEATURES);
    const { 'in guidance': _guidance, ...schnellSignature } = transformerSignature;
    assert.deepEqual(signature(schnell), schnellSignature, 'schnell: the same without guidance');
    assert.deepEqual(signature(decoder), { 'in latent_sample': 'float32 rank 4', 'out sample': 'float32 rank 4' });
    assert.deepEqual(signature(encoder), { 'in sample': 'float32 rank 4', 'out latent_parameters': 'float32 rank 4' });
  } finally {
    for (const o of opened) await o.session.release();
  }
});

test('the chain runs at real shapes, and every transformer input moves its output', async () => {
  const clip = await openSession('demo-flux', FLUX_CLIP_TEXT_ENCODER, join(dir, 'text_encoder', 'model.onnx'));
  const t5 = await openSession('demo-flux', FLUX_T5_ENCODER, join(dir, 'text_encoder_2', 'model.onnx'));
  const transformer = await openSession('demo-flux', FLUX_TRANSFORMER, join(dir, 'transformer', 'model.onnx'));
  const decoder = await openSession('demo-flux', FLUX_VAE_DECODER, join(dir, 'vae_decoder', 'model.onnx'));
  const encoder = await openSession('demo-flux', FLUX_VAE_ENCODER, join(dir, 'vae_encoder', 'model.onnx'));
  try {
    const clipTokenizer = new ClipTokenizer({
      vocab: readJson(join(dir, 'tokenizer', 'vocab.json')) as Record<string, number>,
      merges: readFileSync(join(dir, 'tokenizer', 'merges.txt'), 'utf8').split('\n'),
    });
    const t5Tokenizer = T5Tokenizer.fromTokenizerJson(readJson(join(dir, 'tokenizer_2', 'tokenizer.json')), { maxLength: FLUX_DEMO_SEQUENCE });
    const encode = async (prompt: string) => {
      const clipOut = await clip.session.run({ input_ids: new ort.Tensor('int32', Int32Array.from(clipTokenizer.encode(prompt).ids), [1, 77]) });
      assert.deepEqual(clipOut.pooler_output!.dims, [1, FLUX_DEMO_CLIP_HIDDEN]);
      const t5Out = await t5.session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(t5Tokenizer.encode(prompt).ids, BigInt), [1, FLUX_DEMO_SEQUENCE]) });
      assert.deepEqual(t5Out.last_hidden_state!.dims, [1, FLUX_DEMO_SEQUENCE, FLUX_DEMO_T5_HIDDEN]);
      return { pooled: clipOut.pooler_output!, hidden: t5Out.last_hidden_state! };
    };
    const red = await encode('a red barn');
    const blue = await encode('a blue lake at dawn');
    assert.notDeepEqual(Array.from(red.pooled.data as Float32Array), Array.from(blue.pooled.data as Float32Array), 'the prompt moves the pooled vector');

    const [h, w] = [6, 8];
    const tokens = (h / 2) * (w / 2);
    const latent = seededNoise(0, 16 * h * w);
    const packed = new ort.Tensor('float32', packLatents(latent, 16, h, w), [1, tokens, FLUX_PACKED_FEATURES]);
    const f32 = (values: number[], dims: number[]) => new ort.Tensor('float32', Float32Array.from(values), dims);
    const run = async (options: { text?: typeof red; sigma?: number; guidance?: number; imgIds?: Float32Array } = {}) => {
      const text = options.text ?? red;
      const out = await transformer.session.run({
        hidden_states: packed,
        encoder_hidden_states: text.hidden,
        pooled_projections: text.pooled,
        timestep: f32([options.sigma ?? 0.8], [1]),
        img_ids: new ort.Tensor('float32', options.imgIds ?? fluxImageIds(h, w), [tokens, 3]),
        txt_ids: new ort.Tensor('float32', new Float32Array(FLUX_DEMO_SEQUENCE * 3), [FLUX_DEMO_SEQUENCE, 3]),
        guidance: f32([options.guidance ?? 3.5], [1]),
      });
      assert.deepEqual(out.out_hidden_states!.dims, [1, tokens, FLUX_PACKED_FEATURES]);
      return Array.from(out.out_hidden_states!.data as Float32Array);
    };
    const base = await run();
    assert.ok(base.every(Number.isFinite));
    assert.notDeepEqual(await run({ text: blue }), base, 'the prompt moves the output');
    assert.notDeepEqual(await run({ sigma: 0.3 }), base, 'the timestep moves the output');
    assert.notDeepEqual(await run({ guidance: 1.5 }), base, 'the guidance moves the output');
    const ids = fluxImageIds(h, w);
    const mirrored = ids.map((_, i) => ids[(tokens - 1 - Math.floor(i / 3)) * 3 + (i % 3)]!);
    assert.notDeepEqual(await run({ imgIds: mirrored }), base, 'the positions move the output');

    const latentTensor = new ort.Tensor('float32', latent, [1, 16, h, w]);
    const decoded = await decoder.session.run({ latent_sample: latentTensor });
    assert.deepEqual(decoded.sample!.dims, [1, 3, 8 * h, 8 * w]);
    assert.ok((decoded.sample!.data as Float32Array).every((v) => v >= -1 && v <= 1));
    const encoded = await encoder.session.run({ sample: decoded.sample! });
    assert.deepEqual(encoded.latent_parameters!.dims, [1, 32, h, w]);
  } finally {
    for (const opened of [clip, t5, transformer, decoder, encoder]) await opened.session.release();
  }
});
