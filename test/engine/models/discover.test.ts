/**
 * Model discovery over real folders: the generated demo (diffusers layout with a manifest), a
 * transformers.js folder with variants and external data, a single .onnx file, a folder with
 * no model (listed as unknown with the reason), and hidden or half-written entries skipped.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverModels } from '../../../engine/models/discover.js';
import { generateDemoModels } from '../../../nodes/diffusion/demo/generate.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-discover-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, content: string | Buffer): void {
  mkdirSync(join(root, path, '..'), { recursive: true });
  writeFileSync(join(root, path), content);
}

test('finds each layout with its family, pipeline class, components and sizes', async () => {
  await generateDemoModels(root, { only: ['demo-sd15'] });
  put('blip-caption/config.json', '{}');
  put('blip-caption/onnx/vision_encoder.onnx', Buffer.alloc(100));
  put('blip-caption/onnx/vision_encoder_fp16.onnx', Buffer.alloc(50));
  put('blip-caption/onnx/decoder_model_merged.onnx', Buffer.alloc(10));
  put('blip-caption/onnx/decoder_model_merged.onnx_data', Buffer.alloc(1000));
  put('upscaler.onnx', Buffer.alloc(321));
  put('notes/readme.txt', 'no model here');
  put('.cache/x.onnx', Buffer.alloc(1));
  put('demo-sdxl.partial-123/manifest.json', '{}');

  const models = await discoverModels(root);
  assert.deepEqual(models.map((m) => m.id), ['blip-caption', 'demo-sd15', 'notes', 'upscaler']);
  const [blip, demo, notes, upscaler] = models;

  assert.equal(demo!.layout, 'diffusers');
  assert.equal(demo!.family, 'sd15');
  assert.equal(demo!.demo, true);
  assert.equal(demo!.pipelineClass, 'StableDiffusionPipeline');
  assert.deepEqual(demo!.components.map((c) => c.name), ['text_encoder', 'unet', 'vae_decoder', 'vae_encoder']);
  assert.equal(demo!.bytes, demo!.components.reduce((sum, c) => sum + c.bytes, 0));
  assert.ok(demo!.components.every((c) => c.bytes > 0 && c.files[0]!.endsWith('/model.onnx')));

  assert.equal(blip!.layout, 'transformers.js');
  assert.equal(blip!.family, null);
  assert.deepEqual(blip!.components.map((c) => [c.name, c.files, c.bytes]), [
    ['decoder_model_merged', ['onnx/decoder_model_merged.onnx', 'onnx/decoder_model_merged.onnx_data'], 1010],
    ['vision_encoder', ['onnx/vision_encoder.onnx'], 100],
    ['vision_encoder_fp16', ['onnx/vision_encoder_fp16.onnx'], 50],
  ]);

  assert.equal(notes!.layout, 'unknown');
  assert.match(notes!.problem!, /no ONNX model found/);

  assert.deepEqual({ layout: upscaler!.layout, bytes: upscaler!.bytes }, { layout: 'file', bytes: 321 });
});

test('a missing models folder is simply empty', async () => {
  assert.deepEqual(await discoverModels(join(root, 'does-not-exist')), []);
});
