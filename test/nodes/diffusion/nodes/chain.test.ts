/**
 * The ComfyUI-style node chain on the demo models, through the engine as workflows run it:
 * ComfyUI's default text-to-image graph (CheckpointLoaderSimple → CLIPTextEncode ×2 →
 * EmptyLatentImage → KSampler → VAEDecode → SaveImage) loads from its saved-format JSON and runs
 * (with a checkpoint name ComfyUI users write, `demo-sd15.safetensors`); an unknown checkpoint
 * is refused before anything runs, listing what is there; the chain gives the same pixels as
 * the one-node shortcut; KSampler reports progress and previews; img2img through VAEEncode and
 * denoise < 1 keeps the input's layout; values from another pack are refused clearly.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../../../engine/runtime/engine.js';
import { createLogger } from '../../../../engine/log/logger.js';
import type { RunEvent } from '../../../../engine/execute/events.js';
import { repoRoot } from '../../../helpers/repo.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-chain-'));
after(() => rmSync(root, { recursive: true, force: true }));
let engine: Engine;
const getEngine = async (): Promise<Engine> => (engine ??= await createEngine({ dataDir: join(root, 'data'), log: createLogger({ level: 'silent' }), packsDirs: [], nodeModulesDirs: [] }));

const comfyDefault = (): Record<string, unknown> => JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'workflows', 'comfy-default-t2i.json'), 'utf8')) as Record<string, unknown>;

function withWidgets(workflow: Record<string, unknown>, changes: Record<number, unknown[]>): Record<string, unknown> {
  const nodes = (workflow.nodes as { id: number; widgets_values?: unknown[] }[]).map((n) => (changes[n.id] ? { ...n, widgets_values: changes[n.id] } : n));
  return { ...workflow, nodes };
}

async function ran(wf: unknown, events?: RunEvent[], params?: Record<string, unknown>) {
  const e = await getEngine();
  const outcome = await e.run(wf, { onEvent: (ev) => events?.push(ev), params });
  assert.equal(outcome.kind, 'ran', JSON.stringify(outcome.kind === 'invalid' ? outcome.check.nodeErrors : {}));
  assert.equal(outcome.kind === 'ran' && outcome.result.status, 'success', JSON.stringify(outcome.kind === 'ran' ? outcome.result.errors : {}));
  return (outcome as { result: { outputs: Record<string, { images?: { filename: string; subfolder: string }[] }> } }).result.outputs;
}

async function pixelsOf(file: { filename: string; subfolder: string }): Promise<{ data: Buffer; width: number; height: number }> {
  const e = await getEngine();
  const { data, info } = await sharp(join(e.folders.output, file.subfolder, file.filename)).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

test("ComfyUI's default text-to-image graph loads from its saved JSON and runs on demo-sd15", async () => {
  const wf = withWidgets(comfyDefault(), { 4: ['demo-sd15.safetensors'], 5: [64, 64, 1], 3: [0, 'fixed', 4, 8, 'euler', 'normal', 1] });
  const events: RunEvent[] = [];
  const outputs = await ran(wf, events);
  const file = outputs['9']!.images![0]!;
  assert.match(file.filename, /^ComfyUI_\d{5}_\.png$/);
  const image = await pixelsOf(file);
  assert.deepEqual([image.width, image.height], [64, 64]);
  const progress = events.filter((e) => e.type === 'progress' && (e as { nodeId?: string }).nodeId === '3').map((e) => (e as { done: number }).done);
  assert.deepEqual(progress, [1, 2, 3, 4]);
  assert.ok(events.some((e) => e.type === 'preview'), 'KSampler shows latent previews while it samples');
});

test('an unknown checkpoint is refused before anything runs, naming what is available', async () => {
  const e = await getEngine();
  const outcome = await e.run(comfyDefault());
  assert.equal(outcome.kind, 'invalid');
  const text = JSON.stringify(outcome.check.nodeErrors);
  assert.match(text, /no diffusion model \\"v1-5-pruned-emaonly.safetensors\\" in the models folder; available: .*demo-sd15/);
});

test('the chain gives the same pixels as the one-node shortcut for the same settings', async () => {
  const settings = { prompt: 'a red barn', negative: 'blurry', seed: 42, steps: 5, cfg: 6.5 };
  const chain = {
    schemaVersion: 1,
    nodes: {
      ckpt: { type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'demo-sd15' } },
      pos: { type: 'CLIPTextEncode', inputs: { text: settings.prompt, clip: ['ckpt', 1] } },
      neg: { type: 'CLIPTextEncode', inputs: { text: settings.negative, clip: ['ckpt', 1] } },
      lat: { type: 'EmptyLatentImage', inputs: { width: 64, height: 48, batch_size: 1 } },
      ks: { type: 'KSampler', inputs: { model: ['ckpt', 0], seed: settings.seed, steps: settings.steps, cfg: settings.cfg, sampler_name: 'euler_ancestral', scheduler: 'karras', positive: ['pos', 0], negative: ['neg', 0], latent_image: ['lat', 0], denoise: 1 } },
      dec: { type: 'VAEDecode', inputs: { samples: ['ks', 0], vae: ['ckpt', 2] } },
      save: { type: 'SaveImage', inputs: { images: ['dec', 0], filename_prefix: 'chain' } },
    },
  };
  const shortcut = {
    schemaVersion: 1,
    nodes: {
      t2i: { type: 'diffusion.text_to_image', inputs: { model: 'demo-sd15', prompt: settings.prompt, negative_prompt: settings.negative, width: 64, height: 48, steps: settings.steps, cfg: settings.cfg, seed: settings.seed, sampler: 'euler_ancestral', scheduler: 'karras' } },
      save: { type: 'image.save', inputs: { images: ['t2i', 0], filename_prefix: 'shortcut' } },
    },
  };
  const a = await pixelsOf((await ran(chain)).save!.images![0]!);
  const b = await pixelsOf((await ran(shortcut)).save!.images![0]!);
  assert.ok(a.data.equals(b.data));
});

test('img2img: VAEEncode then KSampler at denoise 0.5 keeps the input layout; denoise 0 returns the encoded latent', async () => {
  const e = await getEngine();
  const source = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 240, g: 20, b: 20 } } })
    .composite([{ input: await sharp({ create: { width: 32, height: 64, channels: 3, background: { r: 20, g: 20, b: 240 } } }).png().toBuffer(), left: 32, top: 0 }])
    .png().toBuffer();
  const img2img = (denoise: number) => ({
    schemaVersion: 1,
    nodes: {
      ckpt: { type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'demo-sd15' } },
      load: { type: 'image.load', inputs: { image: `data:image/png;base64,${source.toString('base64')}` } },
      enc: { type: 'VAEEncode', inputs: { pixels: ['load', 0], vae: ['ckpt', 2] } },
      pos: { type: 'CLIPTextEncode', inputs: { text: 'a barn', clip: ['ckpt', 1] } },
      neg: { type: 'CLIPTextEncode', inputs: { text: '', clip: ['ckpt', 1] } },
      ks: { type: 'KSampler', inputs: { model: ['ckpt', 0], seed: 3, steps: 6, cfg: 5, sampler_name: 'euler', scheduler: 'normal', positive: ['pos', 0], negative: ['neg', 0], latent_image: ['enc', 0], denoise } },
      dec: { type: 'VAEDecode', inputs: { samples: ['ks', 0], vae: ['ckpt', 2] } },
      save: { type: 'SaveImage', inputs: { images: ['dec', 0], filename_prefix: `img2img-${denoise}` } },
    },
  });
  const half = await pixelsOf((await ran(img2img(0.5))).save!.images![0]!);
  const none = await pixelsOf((await ran(img2img(0))).save!.images![0]!);
  assert.deepEqual([half.width, half.height], [64, 64]);
  assert.ok(!half.data.equals(none.data), 'denoise 0.5 changes the picture');
  // The left and right halves of the source stay distinguishable after a half denoise.
  const meanOf = (img: { data: Buffer }, x0: number, x1: number) => {
    let sum = 0;
    let n = 0;
    for (let y = 0; y < 64; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) { sum += img.data[(y * 64 + x) * 3 + c]! * (c === 0 ? 1 : c === 2 ? -1 : 0); n++; }
    return sum / n;
  };
  assert.ok(Math.abs(meanOf(none, 0, 32) - meanOf(none, 32, 64)) > 1, 'the encoded halves differ');
  assert.ok(e.models.list().some((m) => m.id === 'demo-sd15'));
});

test('values from elsewhere are refused with a clear message, not a crash', async () => {
  const e = await getEngine();
  const wf = {
    schemaVersion: 1,
    nodes: {
      lat: { type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
      ckpt: { type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'demo-sd15' } },
      ks: { type: 'KSampler', inputs: { model: ['ckpt', 0], seed: 1, steps: 2, cfg: 5, sampler_name: 'euler', scheduler: 'normal', positive: ['lat', 0], negative: ['lat', 0], latent_image: ['lat', 0], denoise: 1 } },
    },
  };
  const outcome = await e.run(wf);
  if (outcome.kind === 'invalid') {
    assert.match(JSON.stringify(outcome.check.nodeErrors), /CONDITIONING/);
  } else {
    assert.equal(outcome.result.status, 'error');
    assert.match(JSON.stringify(outcome.result.errors), /not CONDITIONING/);
  }
});

test("a conditioning from another family's text encoder is refused by name, and a Flux latent size must fit its 2×2 patches", async () => {
  const e = await getEngine();
  const mixed = {
    schemaVersion: 1,
    nodes: {
      sd15: { type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'demo-sd15' } },
      sdxl: { type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'demo-sdxl' } },
      pos: { type: 'CLIPTextEncode', inputs: { text: 'a barn', clip: ['sdxl', 1] } },
      neg: { type: 'CLIPTextEncode', inputs: { text: '', clip: ['sdxl', 1] } },
      lat: { type: 'EmptyLatentImage', inputs: { width: 64, height: 64, batch_size: 1 } },
      ks: { type: 'KSampler', inputs: { model: ['sd15', 0], seed: 1, steps: 2, cfg: 5, sampler_name: 'euler', scheduler: 'normal', positive: ['pos', 0], negative: ['neg', 0], latent_image: ['lat', 0], denoise: 1 } },
      dec: { type: 'VAEDecode', inputs: { samples: ['ks', 0], vae: ['sd15', 2] } },
      save: { type: 'SaveImage', inputs: { images: ['dec', 0], filename_prefix: 'mixed' } },
    },
  };
  const outcome = await e.run(mixed);
  assert.equal(outcome.kind === 'ran' && outcome.result.status, 'error');
  assert.match(JSON.stringify(outcome.kind === 'ran' ? outcome.result.errors : []), /made by a sdxl text encoder \(model demo-sdxl\), but model demo-sd15 is sd15/);

  const flux = {
    schemaVersion: 1,
    nodes: {
      ckpt: { type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'demo-flux' } },
      pos: { type: 'CLIPTextEncode', inputs: { text: 'a fox', clip: ['ckpt', 1] } },
      lat: { type: 'EmptySD3LatentImage', inputs: { width: 72, height: 64, batch_size: 1 } },
      ks: { type: 'KSampler', inputs: { model: ['ckpt', 0], seed: 1, steps: 2, cfg: 1, sampler_name: 'euler', scheduler: 'simple', positive: ['pos', 0], negative: ['pos', 0], latent_image: ['lat', 0], denoise: 1 } },
      dec: { type: 'VAEDecode', inputs: { samples: ['ks', 0], vae: ['ckpt', 2] } },
      save: { type: 'SaveImage', inputs: { images: ['dec', 0], filename_prefix: 'flux-odd' } },
    },
  };
  const refused = await e.run(flux);
  assert.equal(refused.kind === 'ran' && refused.result.status, 'error');
  assert.match(JSON.stringify(refused.kind === 'ran' ? refused.result.errors : []), /needs width and height in multiples of 16 pixels; the latent is 72×64/);
});
