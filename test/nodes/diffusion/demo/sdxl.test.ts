/**
 * The demo SDXL stand-in: written twice it is byte-identical and small; it has the diffusers
 * layout of an SDXL export (model_index, manifest, two text encoders and tokenizers — the
 * second padding with "!" —, UNet, VAE, scheduler); every component opens against the SDXL
 * contracts with the tensor names, ranks and dtypes of a real export (`hidden_states.N` on both
 * encoders, int32 and int64 ids, the UNet's `text_embeds` and `time_ids`); and with real
 * onnxruntime the UNet uses every one of its inputs and the VAE answers 8× the latent size.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { openSession, type OpenedSession } from '../../../../engine/models/session.js';
import { sdxlStandIn, SDXL_DEMO } from '../../../../nodes/diffusion/demo/sdxl.js';
import { SDXL_TEXT_ENCODER, SDXL_TEXT_ENCODER_2, SDXL_UNET, SDXL_VAE_DECODER, SDXL_VAE_ENCODER } from '../../../../nodes/diffusion/families/sdxl-contracts.js';
import { seededNoise } from '../../../../nodes/diffusion/sampling/noise.js';
import { ClipTokenizer } from '../../../../nodes/diffusion/text/clip-tokenizer.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-demo-sdxl-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writeAll(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const dir = join(root, 'demo-sdxl');
writeAll(dir, sdxlStandIn().files);
const readJson = (path: string) => JSON.parse(readFileSync(join(dir, path), 'utf8')) as Record<string, unknown>;

/** name → "type [shape]" of a session's inputs or outputs. */
function signature(tensors: OpenedSession['info']['inputs']): Record<string, string> {
  return Object.fromEntries(tensors.map((t) => [t.name, `${t.type} [${t.shape.join(', ')}]`]));
}

test('the stand-in is deterministic and small: generated twice, every file is byte-identical; under 1 MB', () => {
  const again = sdxlStandIn().files;
  for (const [path, content] of Object.entries(again)) {
    assert.ok(Buffer.from(readFileSync(join(dir, path))).equals(Buffer.from(content)), path);
  }
  const total = Object.values(again).reduce((sum, c) => sum + (typeof c === 'string' ? Buffer.byteLength(c) : c.length), 0);
  assert.ok(total < 1024 * 1024, `the whole model is small (${total} bytes)`);
  assert.ok(!Buffer.from(sdxlStandIn(18).files['unet/model.onnx']!).equals(Buffer.from(again['unet/model.onnx']!)), 'another seed gives other weights');
});

test('the folder has the diffusers SDXL layout, our manifest and a "!"-padding second tokenizer', () => {
  assert.deepEqual(readdirSync(dir).sort(), ['manifest.json', 'model_index.json', 'scheduler', 'text_encoder', 'text_encoder_2', 'tokenizer', 'tokenizer_2', 'unet', 'vae_decoder', 'vae_encoder']);
  assert.equal(readJson('model_index.json')._class_name, 'StableDiffusionXLPipeline');
  const manifest = readJson('manifest.json');
  assert.deepEqual({ family: manifest.family, name: manifest.name, demo: manifest.demo, latent_channels: manifest.latent_channels, scaling_factor: manifest.scaling_factor }, { family: 'sdxl', name: 'demo-sdxl', demo: true, latent_channels: 4, scaling_factor: 0.13025 });
  assert.equal(readJson('scheduler/scheduler_config.json').beta_schedule, 'scaled_linear');
  assert.equal(readJson('tokenizer_2/special_tokens_map.json').pad_token, '!');
  assert.equal(readJson('tokenizer/special_tokens_map.json').pad_token, '<|endoftext|>');
  for (const folder of ['tokenizer', 'tokenizer_2']) {
    const tokenizer = new ClipTokenizer({ vocab: readJson(`${folder}/vocab.json`) as Record<string, number>, merges: readFileSync(join(dir, folder, 'merges.txt'), 'utf8').split('\n') });
    assert.equal(tokenizer.encode('score_9, a pony').ids.length, 77);
  }
});

test('every component opens against the SDXL contracts with the names, ranks and dtypes of a real export', async () => {
  const open = (contract: typeof SDXL_UNET, folder: string) => openSession('demo-sdxl', contract, join(dir, folder, 'model.onnx'));
  const sessions = [
    await open(SDXL_TEXT_ENCODER, 'text_encoder'),
    await open(SDXL_TEXT_ENCODER_2, 'text_encoder_2'),
    await open(SDXL_UNET, 'unet'),
    await open(SDXL_VAE_DECODER, 'vae_decoder'),
    await open(SDXL_VAE_ENCODER, 'vae_encoder'),
  ];
  try {
    const [text1, text2, unet, decoder, encoder] = sessions.map((s) => s.info);
    const { hidden1: h1, hidden2: h2, pooled } = SDXL_DEMO;
    assert.deepEqual(signature(text1!.inputs), { input_ids: 'int32 [batch, 77]' });
    assert.deepEqual(signature(text1!.outputs), {
      last_hidden_state: `float32 [batch, 77, ${h1}]`,
      pooler_output: `float32 [batch, ${h1}]`,
      'hidden_states.0': `float32 [batch, 77, ${h1}]`,
      'hidden_states.1': `float32 [batch, 77, ${h1}]`,
      'hidden_states.2': `float32 [batch, 77, ${h1}]`,
    });
    assert.deepEqual(signature(text2!.inputs), { input_ids: 'int64 [batch, 77]' });
    assert.deepEqual(signature(text2!.outputs), {
      text_embeds: `float32 [batch, ${pooled}]`,
      last_hidden_state: `float32 [batch, 77, ${h2}]`,
      'hidden_states.0': `float32 [batch, 77, ${h2}]`,
      'hidden_states.1': `float32 [batch, 77, ${h2}]`,
      'hidden_states.2': `float32 [batch, 77, ${h2}]`,
      'hidden_states.3': `float32 [batch, 77, ${h2}]`,
    });
    assert.deepEqual(signature(unet!.inputs), {
      sample: 'float32 [batch, 4, height, width]',
      timestep: 'int64 [steps]',
      encoder_hidden_states: `float32 [batch, 77, ${h1 + h2}]`,
      text_embeds: `float32 [batch, ${pooled}]`,
      time_ids: 'float32 [batch, 6]',
    });
    assert.deepEqual(signature(unet!.outputs), { out_sample: 'float32 [batch, 4, height, width]' });
    assert.deepEqual(signature(decoder!.inputs), { latent_sample: 'float32 [batch, 4, latent_height, latent_width]' });
    assert.deepEqual(signature(decoder!.outputs), { sample: 'float32 [batch, 3, height, width]' });
    assert.deepEqual(signature(encoder!.inputs), { sample: 'float32 [batch, 3, height, width]' });
    assert.deepEqual(signature(encoder!.outputs), { latent_parameters: 'float32 [batch, 8, latent_height, latent_width]' });
  } finally {
    for (const opened of sessions) await opened.session.release();
  }
});

test('the chain runs at real shapes, and the UNet uses every input', async () => {
  const text1 = await openSession('demo-sdxl', SDXL_TEXT_ENCODER, join(dir, 'text_encoder', 'model.onnx'));
  const text2 = await openSession('demo-sdxl', SDXL_TEXT_ENCODER_2, join(dir, 'text_encoder_2', 'model.onnx'));
  const unet = await openSession('demo-sdxl', SDXL_UNET, join(dir, 'unet', 'model.onnx'));
  const decoder = await openSession('demo-sdxl', SDXL_VAE_DECODER, join(dir, 'vae_decoder', 'model.onnx'));
  try {
    const tokenizer = new ClipTokenizer({ vocab: readJson('tokenizer/vocab.json') as Record<string, number>, merges: [] });
    const embed = async (prompt: string) => {
      const { ids } = tokenizer.encode(prompt);
      const first = await text1.session.run({ input_ids: new ort.Tensor('int32', Int32Array.from(ids), [1, 77]) });
      const second = await text2.session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, 77]) });
      assert.deepEqual(first['hidden_states.1']!.dims, [1, 77, SDXL_DEMO.hidden1]);
      assert.deepEqual(second['hidden_states.2']!.dims, [1, 77, SDXL_DEMO.hidden2]);
      assert.deepEqual(second.text_embeds!.dims, [1, SDXL_DEMO.pooled]);
      const a = first['hidden_states.1']!.data as Float32Array;
      const b = second['hidden_states.2']!.data as Float32Array;
      const hidden = new Float32Array(77 * (SDXL_DEMO.hidden1 + SDXL_DEMO.hidden2));
      for (let t = 0; t < 77; t++) {
        hidden.set(a.subarray(t * SDXL_DEMO.hidden1, (t + 1) * SDXL_DEMO.hidden1), t * (SDXL_DEMO.hidden1 + SDXL_DEMO.hidden2));
        hidden.set(b.subarray(t * SDXL_DEMO.hidden2, (t + 1) * SDXL_DEMO.hidden2), t * (SDXL_DEMO.hidden1 + SDXL_DEMO.hidden2) + SDXL_DEMO.hidden1);
      }
      return { hidden: new ort.Tensor('float32', hidden, [1, 77, SDXL_DEMO.hidden1 + SDXL_DEMO.hidden2]), pooled: second.text_embeds! };
    };
    const red = await embed('a red barn');
    const blue = await embed('a blue lake at dawn');

    const inputs = {
      sample: new ort.Tensor('float32', seededNoise(0, 4 * 8 * 8), [1, 4, 8, 8]),
      timestep: new ort.Tensor('int64', BigInt64Array.from([999n]), [1]),
      encoder_hidden_states: red.hidden,
      text_embeds: red.pooled,
      time_ids: new ort.Tensor('float32', Float32Array.from([64, 64, 0, 0, 64, 64]), [1, 6]),
    };
    const run = async (changes: Partial<typeof inputs>) => {
      const out = await unet.session.run({ ...inputs, ...changes });
      assert.deepEqual(out.out_sample!.dims, [1, 4, 8, 8]);
      return Array.from(out.out_sample!.data as Float32Array);
    };
    const base = await run({});
    assert.ok(base.every(Number.isFinite));
    assert.notDeepEqual(await run({ sample: new ort.Tensor('float32', seededNoise(1, 4 * 8 * 8), [1, 4, 8, 8]) }), base, 'sample');
    assert.notDeepEqual(await run({ timestep: new ort.Tensor('int64', BigInt64Array.from([10n]), [1]) }), base, 'timestep');
    assert.notDeepEqual(await run({ encoder_hidden_states: blue.hidden }), base, 'encoder_hidden_states');
    assert.notDeepEqual(await run({ text_embeds: blue.pooled }), base, 'text_embeds');
    assert.notDeepEqual(await run({ time_ids: new ort.Tensor('float32', Float32Array.from([1024, 768, 0, 0, 1024, 768]), [1, 6]) }), base, 'time_ids');

    const decoded = await decoder.session.run({ latent_sample: inputs.sample });
    assert.deepEqual(decoded.sample!.dims, [1, 3, 64, 64]);
    assert.ok((decoded.sample!.data as Float32Array).every((v) => v >= -1 && v <= 1));
  } finally {
    for (const opened of [text1, text2, unet, decoder]) await opened.session.release();
  }
});
