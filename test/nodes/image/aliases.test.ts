/**
 * ComfyUI compatibility of the image pack: each alias's positional widget order equals
 * ComfyUI's, and input/output names match, so saved ComfyUI workflows load and run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import imagePack from '../../../nodes/image/index.js';
import type { AnyNodeType, InputSpec } from '../../../engine/nodes/index.js';
import { importPack } from '../../../engine/packs/import-pack.js';
import { repoRoot } from '../../helpers/repo.js';

interface ComfyShape {
  widgets: readonly (string | null)[];
  links: readonly string[];
  optional?: readonly string[];
  outputs: readonly string[];
}

const COMFY: Record<string, ComfyShape> = {
  LoadImage: { widgets: ['image', null], links: [], outputs: ['IMAGE', 'MASK'] },
  SaveImage: { widgets: ['filename_prefix'], links: ['images'], outputs: [] },
  PreviewImage: { widgets: [], links: ['images'], outputs: [] },
  EmptyImage: { widgets: ['width', 'height', 'batch_size', 'color'], links: [], outputs: ['IMAGE'] },
  ImageScale: { widgets: ['upscale_method', 'width', 'height', 'crop'], links: ['image'], outputs: ['IMAGE'] },
  ImageScaleBy: { widgets: ['upscale_method', 'scale_by'], links: ['image'], outputs: ['IMAGE'] },
  ImageInvert: { widgets: [], links: ['image'], outputs: ['IMAGE'] },
  ImageBlur: { widgets: ['blur_radius', 'sigma'], links: ['image'], outputs: ['IMAGE'] },
  ImageBatch: { widgets: [], links: ['image1', 'image2'], outputs: ['IMAGE'] },
  ImageCrop: { widgets: ['width', 'height', 'x', 'y'], links: ['image'], outputs: ['IMAGE'] },
  ImagePadForOutpaint: { widgets: ['left', 'top', 'right', 'bottom', 'feathering'], links: ['image'], outputs: ['IMAGE', 'MASK'] },
  ImageCompositeMasked: { widgets: ['x', 'y', 'resize_source'], links: ['destination', 'source', 'mask'], optional: ['mask'], outputs: ['IMAGE'] },
  ImageToMask: { widgets: ['channel'], links: ['image'], outputs: ['MASK'] },
  MaskToImage: { widgets: [], links: ['mask'], outputs: ['IMAGE'] },
  InvertMask: { widgets: [], links: ['mask'], outputs: ['MASK'] },
  SolidMask: { widgets: ['value', 'width', 'height'], links: [], outputs: ['MASK'] },
};

function byAlias(): Map<string, AnyNodeType> {
  const map = new Map<string, AnyNodeType>();
  for (const node of imagePack.nodes) for (const alias of node.aliasList) map.set(alias.type, node);
  return map;
}

test('every ComfyUI image node has an alias whose positional widget order is ComfyUI\'s', () => {
  const nodes = byAlias();
  for (const [comfyType, shape] of Object.entries(COMFY)) {
    const node = nodes.get(comfyType);
    assert.ok(node, `no node answers to ${comfyType}`);
    const alias = node.aliasList.find((entry) => entry.type === comfyType)!;
    const specs = node.inputs as Record<string, InputSpec>;
    const order = alias.widgets ?? node.widgetNames.filter((name) => !specs[name]?.forceInput);
    const rename = (name: string | null) => (name === null ? null : Object.entries(alias.inputs ?? {}).find(([, ours]) => ours === name)?.[0] ?? name);
    assert.deepEqual(order.map(rename), shape.widgets, `${comfyType} widget order`);
    const links = node.inputNames.filter((name) => !node.widgetNames.includes(name));
    assert.deepEqual(links.map(rename), shape.links, `${comfyType} link inputs`);
    for (const name of shape.optional ?? []) assert.equal(specs[name]?.optional, true, `${comfyType}.${name} optional`);
    assert.deepEqual(node.outputNames, shape.outputs, `${comfyType} outputs`);
  }
});

test('ComfyUI combo options match: upscale methods, crop, channels', () => {
  const nodes = byAlias();
  const options = (comfyType: string, input: string) => (nodes.get(comfyType)!.inputs as Record<string, { options?: unknown }>)[input]!.options;
  assert.deepEqual(options('ImageScale', 'upscale_method'), ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']);
  assert.deepEqual(options('ImageScaleBy', 'upscale_method'), ['nearest-exact', 'bilinear', 'area', 'bicubic', 'lanczos']);
  assert.deepEqual(options('ImageScale', 'crop'), ['disabled', 'center']);
  assert.deepEqual(options('ImageToMask', 'channel'), ['red', 'green', 'blue']);
});

test('the image pack has unique image.* types and loads through the pack importer', async () => {
  assert.equal(imagePack.name, 'image');
  assert.equal(imagePack.engine, '^0.1.0');
  const types = imagePack.nodes.map((node) => node.type);
  assert.equal(new Set(types).size, types.length);
  for (const type of types) assert.match(type, /^image\.[a-z_]+$/);
  for (const type of ['image.load', 'image.save', 'image.preview', 'image.resize', 'image.grayscale', 'image.invert']) assert.ok(types.includes(type), type);
  const aliases = imagePack.nodes.flatMap((node) => node.aliasList.map((alias) => alias.type));
  assert.equal(new Set(aliases).size, aliases.length);
  const imported = await importPack(join(repoRoot, 'dist', 'nodes', 'image', 'index.js'));
  assert.equal(imported.ok, true, imported.ok ? '' : imported.reason);
});
