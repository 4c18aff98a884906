/**
 * The editor's reading and writing of positional widget values of ComfyUI-named nodes
 * (editor/src/graph/alias-values.ts, bundled for Node as the page gets it): it reads a file the
 * way the server's workflow reader does — for every alias of the built-in packs, and for files
 * that lack the control value or carry early ComfyUI's boolean — and writes values back with
 * ignored and trailing positions exactly as loaded.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { savedToApi, type SavedWorkflow } from '../../engine/graph/index.js';
import { describeAlias } from '../../engine/nodes/alias-layout.js';
import type { AliasWidgetValue } from '../../engine/nodes/description-schema.js';
import { NodeRegistry } from '../../engine/nodes/registry.js';
import type { AnyNodeType, InputSpec } from '../../engine/nodes/index.js';
import corePack from '../../nodes/core/index.js';
import diffusionPack from '../../nodes/diffusion/index.js';
import imagePack from '../../nodes/image/index.js';
import { ksampler } from '../../nodes/diffusion/nodes/ksampler.js';
import { loadImage } from '../../nodes/image/load.js';
import { importEditorModules } from './editor-modules.js';

interface AliasValues { inputs: Map<string, unknown>; controls: Map<string, string>; ignored: unknown[]; rest: unknown[] }
interface AliasLogic {
  readAliasValues(layout: readonly AliasWidgetValue[], values: readonly unknown[], typeOf: (input: string) => string | undefined): AliasValues;
  writeAliasValues(layout: readonly AliasWidgetValue[], current: (slot: AliasWidgetValue) => unknown, loaded?: AliasValues): unknown[];
}

let logic: AliasLogic;

before(async () => {
  logic = await importEditorModules<AliasLogic>('graph/alias-values.ts');
});


const typeOf = (node: AnyNodeType) => (input: string) => (node.inputs as Record<string, InputSpec>)[input]?.type;
const samplerLayout = () => describeAlias(ksampler, ksampler.aliasList[0]!).widgets_values;

test("KSampler's widgets_values from ComfyUI's default graph read as inputs and a control mode", () => {
  const read = logic.readAliasValues(samplerLayout(), [156680208700286, 'randomize', 20, 8, 'euler', 'normal', 1], typeOf(ksampler));
  assert.deepEqual(Object.fromEntries(read.inputs), { seed: 156680208700286, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1 });
  assert.deepEqual(Object.fromEntries(read.controls), { seed: 'randomize' });
  assert.deepEqual(read.rest, []);
});

test('a file without the control value, or with early ComfyUI’s boolean, still reads in place', () => {
  const without = logic.readAliasValues(samplerLayout(), [7, 20, 8, 'euler', 'normal', 1], typeOf(ksampler));
  assert.deepEqual(Object.fromEntries(without.inputs), { seed: 7, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1 });
  assert.equal(without.controls.size, 0);
  const legacy = logic.readAliasValues(samplerLayout(), [7, true, 20, 8, 'euler', 'normal', 1], typeOf(ksampler));
  assert.equal(legacy.controls.get('seed'), 'randomize');
  assert.equal(legacy.inputs.get('steps'), 20);
});

test('writing keeps ignored positions and values past the layout as loaded, and puts edits in place', () => {
  const layout = describeAlias(loadImage, loadImage.aliasList[0]!).widgets_values;
  const loaded = logic.readAliasValues(layout, ['cat.png', 'image', 'from-a-newer-version'], typeOf(loadImage));
  assert.deepEqual(loaded.ignored, ['image']);
  const written = logic.writeAliasValues(layout, (slot) => (slot.kind === 'input' ? 'dog.png' : undefined), loaded);
  assert.deepEqual(written, ['dog.png', 'image', 'from-a-newer-version']);
  assert.deepEqual(logic.writeAliasValues(layout, () => 'dog.png'), ['dog.png', null], 'a new node writes null where it has nothing to keep');
  const sampler = logic.writeAliasValues(samplerLayout(), (slot) => (slot.kind === 'control' ? 'increment' : slot.kind === 'input' ? `${slot.input}!` : null));
  assert.deepEqual(sampler, ['seed!', 'increment', 'steps!', 'cfg!', 'sampler_name!', 'scheduler!', 'denoise!']);
});

test('for every alias of the built-in packs, the editor reads a file as the server does', () => {
  const nodes = [...corePack.nodes, ...diffusionPack.nodes, ...imagePack.nodes];
  const registry = new NodeRegistry();
  registry.addAll(nodes, 'builtin');
  for (const node of nodes) {
    for (const alias of node.aliasList) {
      const layout = describeAlias(node, alias).widgets_values;
      const values = layout.map((slot, position) => (slot.kind === 'control' ? 'decrement' : slot.kind === 'ignored' ? 'ignored' : sample(node, slot.input, position)));
      const saved = { last_node_id: 1, last_link_id: 0, nodes: [{ id: 1, type: alias.type, pos: [0, 0], size: [200, 100], flags: {}, order: 0, mode: 0, inputs: [], outputs: [], properties: {}, widgets_values: values }], links: [], groups: [], config: {}, extra: {}, version: 0.4 };
      const server = savedToApi(saved as unknown as SavedWorkflow, registry).workflow.nodes['1']?.inputs;
      const editor = logic.readAliasValues(layout, values, typeOf(node));
      assert.deepEqual(Object.fromEntries(editor.inputs), server, alias.type);
      assert.deepEqual(logic.writeAliasValues(layout, (slot) => (slot.kind === 'control' ? editor.controls.get(slot.input) : slot.kind === 'input' ? editor.inputs.get(slot.input) : null), editor), values, `${alias.type} writes back unchanged`);
    }
  }
});

function sample(node: AnyNodeType, input: string, position: number): unknown {
  const spec = (node.inputs as Record<string, { type: string; options?: unknown; min?: number }>)[input]!;
  if (spec.type === 'INT' || spec.type === 'FLOAT') return (spec.min ?? 0) + position + 2;
  if (spec.type === 'BOOLEAN') return position % 2 === 1;
  if (spec.type === 'COMBO' && Array.isArray(spec.options)) return spec.options[0];
  return `text ${position}`;
}
