/**
 * Shared set-up for the workflow-format tests: a registry of small node types that mimic
 * ComfyUI's (through aliases), and the JSON fixtures under test/fixtures/workflows, read from
 * the source tree (tests run from dist/test/engine/graph, four levels below the repo root).
 */
import { readFileSync } from 'node:fs';
import { defineNode } from '../../../engine/nodes/index.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';

const image = { type: 'IMAGE' } as const;

export const loadImage = defineNode({
  type: 'test.load_image',
  title: 'Load image',
  category: 'test',
  aliases: ['LoadImage'],
  inputs: { image: { type: 'COMBO', options: ['cat.png', 'photo.png'], allowCustom: true } },
  outputs: { IMAGE: image, MASK: { type: 'MASK' } },
  run: () => {
    throw new Error('not run in these tests');
  },
});

export const imageScale = defineNode({
  type: 'test.image_scale',
  title: 'Scale image',
  category: 'test',
  aliases: [{ type: 'ImageScale', inputs: { upscale_method: 'method' } }],
  inputs: {
    image,
    method: { type: 'COMBO', options: ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos'] },
    width: { type: 'INT', default: 512, min: 0, max: 16384 },
    height: { type: 'INT', default: 512, min: 0, max: 16384 },
    crop: { type: 'COMBO', options: ['disabled', 'center'] },
  },
  outputs: { IMAGE: image },
  run: ({ image: value }) => ({ IMAGE: value }),
});

export const invert = defineNode({
  type: 'test.invert',
  title: 'Invert',
  category: 'test',
  aliases: ['ImageInvert'],
  inputs: { image },
  outputs: { IMAGE: image },
  run: ({ image: value }) => ({ IMAGE: value }),
});

export const saveImage = defineNode({
  type: 'test.save_image',
  title: 'Save image',
  category: 'test',
  output: true,
  aliases: [{ type: 'SaveImage', inputs: { images: 'image', filename_prefix: 'prefix' } }],
  inputs: { image, prefix: { type: 'STRING', default: 'switchyard' } },
  outputs: {},
  run: () => undefined,
});

export const emptyLatent = defineNode({
  type: 'test.empty_latent',
  title: 'Empty latent',
  category: 'test',
  aliases: ['EmptyLatentImage'],
  inputs: { width: { type: 'INT', default: 512 }, height: { type: 'INT', default: 512 }, batch_size: { type: 'INT', default: 1 } },
  outputs: { LATENT: { type: 'LATENT' } },
  run: () => {
    throw new Error('not run in these tests');
  },
});

export const sampler = defineNode({
  type: 'test.sampler',
  title: 'Sampler',
  category: 'test',
  aliases: ['KSampler'],
  inputs: {
    latent_image: { type: 'LATENT' },
    seed: { type: 'INT', default: 0, control: true },
    steps: { type: 'INT', default: 20, min: 1 },
    cfg: { type: 'FLOAT', default: 8 },
    sampler_name: { type: 'COMBO', options: ['euler', 'dpmpp_2m'] },
    scheduler: { type: 'COMBO', options: ['normal', 'karras'] },
    denoise: { type: 'FLOAT', default: 1, min: 0, max: 1 },
  },
  outputs: { LATENT: { type: 'LATENT' } },
  run: ({ latent_image }) => ({ LATENT: latent_image }),
});

/** An INT named like ComfyUI's seeds but without `control`: ComfyUI files still carry the value. */
export const noise = defineNode({
  type: 'test.noise',
  title: 'Noise',
  category: 'test',
  aliases: ['RandomNoise'],
  inputs: { noise_seed: { type: 'INT', default: 0 }, strength: { type: 'FLOAT', default: 1 } },
  outputs: { NOISE: { type: 'NOISE' } },
  run: () => ({ NOISE: null }),
});

/** Version 2 renamed `radius` to `sigma`. */
export const blur = defineNode({
  type: 'test.blur',
  title: 'Blur',
  category: 'test',
  version: 2,
  inputs: { image, sigma: { type: 'FLOAT', default: 1 } },
  outputs: { IMAGE: image },
  migrate(inputs, fromVersion) {
    if (fromVersion === 1) {
      const { radius, ...rest } = inputs;
      return { ...rest, sigma: radius };
    }
    return inputs;
  },
  run: ({ image: value }) => ({ IMAGE: value }),
});

/** Migration that always fails, to prove a failing pack migration becomes an issue. */
export const brokenMigration = defineNode({
  type: 'test.broken_migration',
  title: 'Broken migration',
  category: 'test',
  version: 3,
  inputs: { amount: { type: 'FLOAT', default: 1 } },
  outputs: {},
  migrate() {
    throw new Error('cannot read version 1 values');
  },
  run: () => undefined,
});

/** Splits an image into image and mask: for bypass tests with two outputs. */
export const splitter = defineNode({
  type: 'test.splitter',
  title: 'Splitter',
  category: 'test',
  inputs: { image, mask: { type: 'MASK' } },
  outputs: { IMAGE: image, MASK: { type: 'MASK' } },
  run: ({ image: value, mask }) => ({ IMAGE: value, MASK: mask }),
});

/** ComfyUI-style positional order that differs from ours, with an ignored value; plus a socket-only INT. */
export const composite = defineNode({
  type: 'test.composite',
  title: 'Composite',
  category: 'test',
  aliases: [{ type: 'ImageCompositeMasked', widgets: ['y', 'x', null, 'resize'] }],
  inputs: {
    destination: image,
    x: { type: 'INT', default: 0 },
    y: { type: 'INT', default: 0 },
    offset: { type: 'INT', default: 0, forceInput: true },
    resize: { type: 'BOOLEAN', default: false },
  },
  outputs: { IMAGE: image },
  run: ({ destination }) => ({ IMAGE: destination }),
});

export function testRegistry(): NodeRegistry {
  const registry = new NodeRegistry();
  registry.addAll([loadImage, imageScale, invert, saveImage, emptyLatent, sampler, noise, blur, brokenMigration, splitter, composite], 'test');
  return registry;
}

export const FIXTURE_NAMES = ['comfy-v04.json', 'comfy-v1.json', 'switchyard-saved.json', 'comfy-prompt.json', 'switchyard-api.json'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export function fixtureText(name: FixtureName): string {
  return readFileSync(new URL(`../../../../test/fixtures/workflows/${name}`, import.meta.url), 'utf8');
}

/** A fresh copy each call, so tests may mutate it. */
export function fixture(name: FixtureName): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}
