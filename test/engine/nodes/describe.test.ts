/**
 * Node descriptions as the editor and HTTP clients receive them: the exact JSON of a small
 * node, combo options computed from the data folder, ComfyUI's /object_info shape under our id
 * and under ComfyUI alias names, and the published JSON Schema.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { defineNode } from '../../../engine/nodes/index.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { buildComfyObjectInfo, describeNodes, toComfyObjectInfo, type NodeDescription } from '../../../engine/nodes/describe.js';
import { NodeDescriptionSchema, nodeDescriptionJsonSchema } from '../../../engine/nodes/description-schema.js';
import type { OptionsContext } from '../../../engine/nodes/context.js';
import { makeTempDir, writeTree } from '../../fixtures/packs/write-packs.js';
import { recordLogger } from '../../fixtures/packs/record-logger.js';

const invert = defineNode({
  type: 'test.invert',
  title: 'Invert',
  category: 'image/color',
  description: 'Inverts the colours of an image.',
  inputs: {
    image: { type: 'IMAGE', tooltip: 'The picture to invert' },
    amount: { type: 'FLOAT', default: 1, min: 0, max: 1, step: 0.01, round: 0.001 },
    mask: { type: 'MASK', optional: true, lazy: true },
  },
  outputs: { IMAGE: { type: 'IMAGE', tooltip: 'The inverted picture' } },
  run: (inputs) => ({ IMAGE: inputs.image }),
});

const loadImage = defineNode({
  type: 'test.load_image',
  title: 'Load Image',
  category: 'image',
  aliases: [{ type: 'LoadImage', inputs: { image: 'file' } }],
  cache: false,
  inputs: {
    file: { type: 'COMBO', options: async (ctx: OptionsContext) => (await readdir(ctx.folders.input)).sort(), allowCustom: true },
  },
  outputs: { IMAGE: { type: 'IMAGE' }, MASK: { type: 'MASK' } },
  run: () => {
    throw new Error('not run in this test');
  },
});

const sampler = defineNode({
  type: 'test.sampler',
  title: 'Sampler',
  category: 'sampling',
  aliases: ['SamplerPlain', { type: 'KSamplerLike', inputs: { noise_seed: 'seed' }, widgets: ['seed', null, 'cfg', 'steps'] }],
  output: true,
  inputs: {
    model: { type: 'MODEL' },
    seed: { type: 'INT', default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, control: true },
    steps: { type: 'INT', default: 20, min: 1, max: 10000 },
    cfg: { type: 'FLOAT', default: 8, max: Infinity },
    prompt: { type: 'STRING', default: '', multiline: true, forceInput: true },
    tiled: { type: 'BOOLEAN', default: false, optional: true },
  },
  outputs: {},
  run: () => undefined,
});

const brokenOptions = defineNode({
  type: 'test.broken_options',
  title: 'Broken options',
  category: 'test',
  inputs: { choice: { type: 'COMBO', options: () => { throw new Error('folder vanished'); } } },
  outputs: { STRING: { type: 'STRING' } },
  run: (inputs) => ({ STRING: inputs.choice }),
});

const registry = new NodeRegistry();
registry.addAll([invert, loadImage, sampler, brokenOptions], 'testpack');
const log = recordLogger();
let data: { path: string; remove: () => Promise<void> };
let ctx: OptionsContext;
let descriptions: NodeDescription[];

before(async () => {
  data = await makeTempDir('describe');
  await writeTree(data.path, { 'input/b.png': 'x', 'input/a.png': 'x' });
  ctx = { folders: { input: join(data.path, 'input'), output: join(data.path, 'output'), temp: join(data.path, 'temp'), models: join(data.path, 'models') } };
  descriptions = await describeNodes(registry, ctx, log);
});

after(async () => {
  await data.remove();
});

const byType = (type: string) => descriptions.find((d) => d.type === type)!;

test('a node is described exactly, inputs and outputs in declaration order', () => {
  assert.deepEqual(descriptions.map((d) => d.type), ['test.invert', 'test.load_image', 'test.sampler', 'test.broken_options']);
  assert.deepEqual(byType('test.invert'), {
    type: 'test.invert',
    version: 1,
    title: 'Invert',
    category: 'image/color',
    description: 'Inverts the colours of an image.',
    pack: 'testpack',
    aliases: [],
    alias_details: [],
    output_node: false,
    never_cache: false,
    inputs: [
      { name: 'image', type: 'IMAGE', optional: false, lazy: false, widget: false, tooltip: 'The picture to invert' },
      { name: 'amount', type: 'FLOAT', optional: false, lazy: false, widget: true, default: 1, min: 0, max: 1, step: 0.01, round: 0.001 },
      { name: 'mask', type: 'MASK', optional: true, lazy: true, widget: false },
    ],
    outputs: [{ name: 'IMAGE', type: 'IMAGE', tooltip: 'The inverted picture' }],
  });
});

test('widget details survive JSON; a non-finite bound is left out rather than sent as null', () => {
  const sampler = byType('test.sampler');
  assert.deepEqual(JSON.parse(JSON.stringify(sampler)), sampler);
  assert.deepEqual(sampler.inputs.find((i) => i.name === 'cfg'), { name: 'cfg', type: 'FLOAT', optional: false, lazy: false, widget: true, default: 8 });
  assert.deepEqual(sampler.inputs.find((i) => i.name === 'prompt'), { name: 'prompt', type: 'STRING', optional: false, lazy: false, widget: true, default: '', multiline: true, force_input: true });
  assert.equal(sampler.inputs.find((i) => i.name === 'seed')?.control, true);
  assert.deepEqual(sampler.aliases, ['SamplerPlain', 'KSamplerLike']);
  // Each alias with its renames and positional widget layout (alias-layout.test.ts covers the rules).
  assert.deepEqual(sampler.alias_details.map((alias) => alias.type), sampler.aliases);
  assert.deepEqual(sampler.alias_details[1], {
    type: 'KSamplerLike',
    native_type: 'test.sampler',
    input_renames: { noise_seed: 'seed' },
    widgets_values: [
      { kind: 'input', name: 'noise_seed', input: 'seed' },
      { kind: 'control', input: 'seed' },
      { kind: 'ignored' },
      { kind: 'input', name: 'cfg', input: 'cfg' },
      { kind: 'input', name: 'steps', input: 'steps' },
    ],
  });
  assert.equal(sampler.output_node, true);
  assert.equal(byType('test.load_image').never_cache, true);
});

test('computed combo options are resolved from the data folder at description time', async () => {
  assert.deepEqual(byType('test.load_image').inputs[0], { name: 'file', type: 'COMBO', optional: false, lazy: false, widget: true, options: ['a.png', 'b.png'], allow_custom: true });
  await writeTree(data.path, { 'input/c.png': 'x' });
  const again = await describeNodes(registry, ctx);
  assert.deepEqual(again.find((d) => d.type === 'test.load_image')?.inputs[0]?.options, ['a.png', 'b.png', 'c.png']);
});

test('an options function that throws yields empty options and a log line, not a broken listing', () => {
  assert.deepEqual(byType('test.broken_options').inputs[0]?.options, []);
  const line = log.lines.find((l) => l.level === 'warn' && l.fields.nodeType === 'test.broken_options');
  assert.equal(line?.fields.input, 'choice');
  assert.equal(line?.fields.err, 'folder vanished');
});

test('an options function that never answers yields empty options at the deadline, with a log line, and the other nodes are described', async () => {
  const hanging = defineNode({
    type: 'test.hanging_options',
    title: 'Hanging options',
    category: 'test',
    inputs: { choice: { type: 'COMBO', options: () => new Promise<string[]>(() => undefined) } },
    outputs: { STRING: { type: 'STRING' } },
    run: (inputs) => ({ STRING: inputs.choice }),
  });
  const withHanging = new NodeRegistry();
  withHanging.addAll([invert, hanging], 'testpack');
  const hangingLog = recordLogger();
  const described = await describeNodes(withHanging, ctx, hangingLog, 30);
  assert.deepEqual(described.map((d) => d.type), ['test.invert', 'test.hanging_options']);
  assert.deepEqual(described[1]!.inputs[0]?.options, []);
  const line = hangingLog.lines.find((l) => l.level === 'warn' && l.fields.nodeType === 'test.hanging_options');
  assert.equal(line?.fields.err, 'did not answer within 30 ms');
});

test('ComfyUI object_info: an aliased node appears under our id and under the alias with its own input names', () => {
  const info = toComfyObjectInfo(byType('test.load_image'), loadImage.aliasList);
  assert.deepEqual(Object.keys(info), ['test.load_image', 'LoadImage']);
  assert.deepEqual(info.LoadImage, {
    input: { required: { image: [['a.png', 'b.png'], {}] }, optional: {}, hidden: {} },
    input_order: { required: ['image'], optional: [] },
    output: ['IMAGE', 'MASK'],
    output_is_list: [false, false],
    output_name: ['IMAGE', 'MASK'],
    name: 'LoadImage',
    display_name: 'Load Image',
    description: '',
    python_module: 'switchyard.testpack',
    category: 'image',
    output_node: false,
  });
  assert.deepEqual(info['test.load_image']?.input.required, { file: [['a.png', 'b.png'], {}] });
});

test('ComfyUI object_info: widgets, control_after_generate, optional inputs and the alias widget order', () => {
  const all = buildComfyObjectInfo(descriptions, registry);
  assert.deepEqual(Object.keys(all), ['test.invert', 'test.load_image', 'LoadImage', 'test.sampler', 'SamplerPlain', 'KSamplerLike', 'test.broken_options']);
  const ours = all['test.sampler']!;
  assert.deepEqual(ours.input.required, {
    model: ['MODEL'],
    seed: ['INT', { default: 0, min: 0, max: Number.MAX_SAFE_INTEGER, control_after_generate: true }],
    steps: ['INT', { default: 20, min: 1, max: 10000 }],
    cfg: ['FLOAT', { default: 8 }],
    prompt: ['STRING', { default: '', multiline: true, forceInput: true }],
  });
  assert.deepEqual(ours.input.optional, { tiled: ['BOOLEAN', { default: false }] });
  assert.deepEqual(ours.input_order, { required: ['model', 'seed', 'steps', 'cfg', 'prompt'], optional: ['tiled'] });
  assert.equal(ours.output_node, true);
  const alias = all.KSamplerLike!;
  assert.deepEqual(alias.input_order, { required: ['model', 'noise_seed', 'cfg', 'steps', 'prompt'], optional: ['tiled'] });
  assert.deepEqual(alias.input.required.noise_seed, ours.input.required.seed);
  assert.deepEqual(all.SamplerPlain?.input_order, ours.input_order);
  const invertInfo = all['test.invert']!;
  assert.deepEqual(invertInfo.input.required.image, ['IMAGE', { tooltip: 'The picture to invert' }]);
  assert.deepEqual(invertInfo.input.optional.mask, ['MASK', { lazy: true }]);
  assert.deepEqual(invertInfo.output_tooltips, ['The inverted picture']);
});

test('the JSON Schema compiles with ajv (draft 2020-12) and every description validates against it', () => {
  const ajv = new Ajv2020({ allowUnionTypes: true });
  const validate = ajv.compile(nodeDescriptionJsonSchema());
  for (const description of descriptions) assert.ok(validate(description), `${description.type}: ${ajv.errorsText(validate.errors)}`);
});

test('the JSON Schema and the zod schema both refuse malformed descriptions', () => {
  const validate = new Ajv2020({ allowUnionTypes: true }).compile(nodeDescriptionJsonSchema());
  const good = byType('test.invert');
  const malformed: unknown[] = [
    { ...good, version: 0 },
    { ...good, inputs: [{ name: 'x', type: 'INT' }] },
    { ...good, outputs: 'IMAGE' },
    { ...good, unexpected: true },
    { ...good, inputs: [{ ...good.inputs[0], default: null }] },
    (({ pack: _pack, ...rest }) => rest)(good),
  ];
  for (const value of malformed) {
    assert.equal(validate(value), false, JSON.stringify(value));
    assert.equal(NodeDescriptionSchema.safeParse(value).success, false, JSON.stringify(value));
  }
});
