/**
 * The demo SD 1.5 stand-in: written twice it is byte-identical; every component opens against
 * the real SD contracts; the tokenizer files load; and the chain runs with real onnxruntime —
 * text encoder → UNet → VAE decoder at the real shapes — with the prompt and the timestep both
 * moving the UNet's output, and the decoded image in [-1, 1] at 8× the latent size.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import ort from 'onnxruntime-node';
import { openSession } from '../../../../engine/models/session.js';
import { SD_TEXT_ENCODER, SD_UNET, SD_VAE_DECODER, SD_VAE_ENCODER } from '../../../../nodes/diffusion/contracts.js';
import { sd15StandIn, SD15_HIDDEN } from '../../../../nodes/diffusion/demo/sd15.js';
import { ClipTokenizer } from '../../../../nodes/diffusion/text/clip-tokenizer.js';
import { seededNoise } from '../../../../nodes/diffusion/sampling/noise.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-demo-sd15-'));
after(() => rmSync(root, { recursive: true, force: true }));

function writeAll(dir: string, files: Record<string, Uint8Array | string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

const dir = join(root, 'demo-sd15');
writeAll(dir, sd15StandIn().files);

test('the stand-in is deterministic: generated twice, every file is byte-identical', () => {
  const again = sd15StandIn().files;
  for (const [path, content] of Object.entries(again)) {
    assert.ok(Buffer.from(readFileSync(join(dir, path))).equals(Buffer.from(content)), path);
  }
  const total = Object.values(again).reduce((sum, c) => sum + (typeof c === 'string' ? c.length : c.length), 0);
  assert.ok(total < 512 * 1024, `the whole model is small (${total} bytes)`);
});

test('every component opens against the real SD contracts, and the chain runs at real shapes', async () => {
  const text = await openSession('demo-sd15', SD_TEXT_ENCODER, join(dir, 'text_encoder', 'model.onnx'));
  const unet = await openSession('demo-sd15', SD_UNET, join(dir, 'unet', 'model.onnx'));
  const decoder = await openSession('demo-sd15', SD_VAE_DECODER, join(dir, 'vae_decoder', 'model.onnx'));
  const encoder = await openSession('demo-sd15', SD_VAE_ENCODER, join(dir, 'vae_encoder', 'model.onnx'));
  try {
    const tokenizer = new ClipTokenizer({
      vocab: JSON.parse(readFileSync(join(dir, 'tokenizer', 'vocab.json'), 'utf8')) as Record<string, number>,
      merges: readFileSync(join(dir, 'tokenizer', 'merges.txt'), 'utf8').split('\n'),
    });
    const embed = async (prompt: string) => {
      const { ids } = tokenizer.encode(prompt);
      const out = await text.session.run({ input_ids: new ort.Tensor('int32', Int32Array.from(ids), [1, 77]) });
      assert.deepEqual(out.last_hidden_state!.dims, [1, 77, SD15_HIDDEN]);
      assert.deepEqual(out.pooler_output!.dims, [1, SD15_HIDDEN]);
      return out.last_hidden_state!;
    };
    const red = await embed('a red barn');
    const blue = await embed('a blue lake at dawn');

    const latent = new ort.Tensor('float32', seededNoise(0, 4 * 8 * 8), [1, 4, 8, 8]);
    const step = async (hidden: ort.Tensor, t: number) => {
      const out = await unet.session.run({ sample: latent, timestep: new ort.Tensor('float32', Float32Array.from([t]), [1]), encoder_hidden_states: hidden });
      assert.deepEqual(out.out_sample!.dims, [1, 4, 8, 8]);
      return Array.from(out.out_sample!.data as Float32Array);
    };
    const base = await step(red, 999);
    assert.notDeepEqual(await step(blue, 999), base, 'the prompt moves the output');
    assert.notDeepEqual(await step(red, 10), base, 'the timestep moves the output');

    const decoded = await decoder.session.run({ latent_sample: latent });
    assert.deepEqual(decoded.sample!.dims, [1, 3, 64, 64]);
    assert.ok((decoded.sample!.data as Float32Array).every((v) => v >= -1 && v <= 1));

    const encoded = await encoder.session.run({ sample: decoded.sample! });
    assert.deepEqual(encoded.latent_parameters!.dims, [1, 8, 8, 8]);
  } finally {
    for (const opened of [text, unet, decoder, encoder]) await opened.session.release();
  }
});
