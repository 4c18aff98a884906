/**
 * How node types look under their aliases (ComfyUI class names), as `GET /api/nodes` publishes
 * it for the editor: the alias's input renames and what each position of its `widgets_values`
 * holds (an input, the hidden "control after generate" mode after a seed, an ignored value).
 * The published layout must be the one the workflow reader reads: a file written position by
 * position from it converts to exactly the values written, for every alias of the built-in packs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { savedToApi, type SavedWorkflow } from '../../../engine/graph/index.js';
import { aliasWidgetValues, describeAlias } from '../../../engine/nodes/alias-layout.js';
import { defineNode, type AnyNodeType } from '../../../engine/nodes/index.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { NodeDescriptionSchema } from '../../../engine/nodes/description-schema.js';
import corePack from '../../../nodes/core/index.js';
import diffusionPack from '../../../nodes/diffusion/index.js';
import imagePack from '../../../nodes/image/index.js';
import { checkpointLoader } from '../../../nodes/diffusion/nodes/checkpoint-loader.js';
import { ksampler } from '../../../nodes/diffusion/nodes/ksampler.js';
import { loadImage } from '../../../nodes/image/load.js';

const noise = defineNode({
  type: 'test.noise',
  title: 'Noise',
  category: 'test',
  aliases: [{ type: 'RandomNoise', inputs: { noise_seed: 'seed' } }, 'NoiseSameNames'],
  inputs: {
    latent: { type: 'LATENT' },
    seed: { type: 'INT', default: 0, min: 0, max: 1000 },
    strength: { type: 'FLOAT', default: 0.5 },
    prompt: { type: 'STRING', default: '', forceInput: true },
  },
  outputs: { LATENT: { type: 'LATENT' } },
  run: (inputs) => ({ LATENT: inputs.latent }),
});

test("KSampler: ComfyUI's positions, the control mode right after the seed", () => {
  assert.deepEqual(describeAlias(ksampler, ksampler.aliasList[0]!), {
    type: 'KSampler',
    native_type: 'diffusion.ksampler',
    input_renames: {},
    widgets_values: [
      { kind: 'input', name: 'seed', input: 'seed' },
      { kind: 'control', input: 'seed' },
      { kind: 'input', name: 'steps', input: 'steps' },
      { kind: 'input', name: 'cfg', input: 'cfg' },
      { kind: 'input', name: 'sampler_name', input: 'sampler_name' },
      { kind: 'input', name: 'scheduler', input: 'scheduler' },
      { kind: 'input', name: 'denoise', input: 'denoise' },
    ],
  });
});

test('aliases that write a value the node type ignores keep its position', () => {
  const loader = checkpointLoader.aliasList.find((alias) => alias.type === 'CheckpointLoader')!;
  assert.deepEqual(aliasWidgetValues(checkpointLoader, loader), [{ kind: 'ignored' }, { kind: 'input', name: 'ckpt_name', input: 'ckpt_name' }]);
  assert.deepEqual(aliasWidgetValues(loadImage, loadImage.aliasList[0]!), [{ kind: 'input', name: 'image', input: 'image' }, { kind: 'ignored' }]);
});

test("renamed inputs carry the alias's name; a seed-named INT gets a control value under the alias only by ComfyUI's naming rule", () => {
  const [renamed, same] = noise.aliasList;
  assert.deepEqual(describeAlias(noise, renamed!), {
    type: 'RandomNoise',
    native_type: 'test.noise',
    input_renames: { noise_seed: 'seed' },
    // `seed` is not declared `control`, but ComfyUI gives seed-named INTs a control value; the socket-only prompt has no widget.
    widgets_values: [{ kind: 'input', name: 'noise_seed', input: 'seed' }, { kind: 'control', input: 'seed' }, { kind: 'input', name: 'strength', input: 'strength' }],
  });
  assert.deepEqual(describeAlias(noise, same!).input_renames, {});
  assert.equal(describeAlias(noise, same!).widgets_values[1]?.kind, 'control');
});

test('the description of an alias is valid against the published schema', () => {
  const details = NodeDescriptionSchema.shape.alias_details;
  assert.ok(details.safeParse(noise.aliasList.map((alias) => describeAlias(noise, alias))).success);
  assert.equal(details.safeParse([{ ...describeAlias(noise, noise.aliasList[0]!), widgets_values: [{ kind: 'control' }] }]).success, false, 'a control position names its input');
  assert.equal(details.safeParse([{ ...describeAlias(noise, noise.aliasList[0]!), widgets_values: [{ kind: 'seed' }] }]).success, false, 'unknown kinds are refused');
});

/** A distinct value for an input, of the kind it takes. */
function sampleValue(node: AnyNodeType, input: string, position: number): unknown {
  const spec = (node.inputs as Record<string, { type: string; options?: unknown; min?: number }>)[input]!;
  if (spec.type === 'INT' || spec.type === 'FLOAT') return (spec.min ?? 0) + position + 1;
  if (spec.type === 'BOOLEAN') return position % 2 === 0;
  if (spec.type === 'COMBO' && Array.isArray(spec.options)) return spec.options.at(-1);
  return `value-${position}`;
}

test('for every alias of the built-in packs, a file written by the published positions reads back as the values written', () => {
  const nodes = [...corePack.nodes, ...diffusionPack.nodes, ...imagePack.nodes];
  const registry = new NodeRegistry();
  registry.addAll(nodes, 'builtin');
  let checked = 0;
  for (const node of nodes) {
    for (const alias of node.aliasList) {
      const layout = describeAlias(node, alias);
      const expected: Record<string, unknown> = {};
      const values = layout.widgets_values.map((slot, position) => {
        if (slot.kind === 'control') return 'increment';
        if (slot.kind === 'ignored') return 'kept-as-is';
        expected[slot.input] = sampleValue(node, slot.input, position);
        return expected[slot.input];
      });
      // Written the way our editor writes it (our marker in extra), and the way ComfyUI does.
      for (const extra of [{ switchyard: { schemaVersion: 1 } }, {}]) {
        const saved = { last_node_id: 1, last_link_id: 0, nodes: [{ id: 1, type: alias.type, pos: [0, 0], size: [200, 100], flags: {}, order: 0, mode: 0, inputs: [], outputs: [], properties: {}, widgets_values: values }], links: [], groups: [], config: {}, extra, version: 0.4 };
        const { workflow, issues } = savedToApi(saved as unknown as SavedWorkflow, registry);
        assert.deepEqual(issues, [], alias.type);
        assert.deepEqual(workflow.nodes['1'], { type: node.type, inputs: expected }, `${alias.type} (${JSON.stringify(extra)})`);
      }
      checked++;
    }
  }
  assert.ok(checked >= 25, `only ${checked} aliases checked`);
});
