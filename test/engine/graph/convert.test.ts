/** Saved (editor) workflows → API format: what a ComfyUI user's file turns into when it runs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { savedToApi, type SavedWorkflow } from '../../../engine/graph/index.js';
import { fixture, testRegistry } from './helpers.js';

const registry = testRegistry();

/** The API workflow both ComfyUI fixtures (0.4 and 1, same graph) must convert to. */
const EXPECTED_COMFY = {
  schemaVersion: 1,
  nodes: {
    '1': { type: 'test.load_image', inputs: { image: 'photo.png' } },
    // width comes from the PrimitiveNode (640), not the stale 512 kept in widgets_values.
    '2': { type: 'test.image_scale', inputs: { method: 'bilinear', width: 640, height: 384, crop: 'center', image: ['1', 0] } },
    // Reroute 9 → bypassed ImageInvert 3 → its IMAGE input, fed by node 2.
    '4': { type: 'test.save_image', title: 'Save inverted', inputs: { prefix: 'inverted', image: ['2', 0] } },
    // Its source (ImageInvert 6) is muted, so the image input is simply not connected.
    '7': { type: 'test.save_image', inputs: { prefix: 'muted-branch' } },
    // Unknown type: kept, with its raw positional values under their index.
    '11': { type: 'FancyUpscaler', inputs: { '0': 2, '1': 'lanczos', image: ['1', 0] } },
    '13': { type: 'test.empty_latent', inputs: { width: 512, height: 512, batch_size: 1 } },
    // The hidden "randomize" after the seed is skipped.
    '5': { type: 'test.sampler', inputs: { seed: 42, steps: 20, cfg: 7.5, sampler_name: 'euler', scheduler: 'normal', denoise: 1, latent_image: ['13', 0] } },
    // noise_seed has no `control`, but ComfyUI files carry the value for seed-named INTs anyway.
    '12': { type: 'test.noise', inputs: { noise_seed: 7, strength: 0.5 } },
  },
};

test('a ComfyUI 0.4 workflow converts with aliases, control values, primitives, reroutes, muted and bypassed nodes', () => {
  const result = savedToApi(fixture('comfy-v04.json') as SavedWorkflow, registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow, EXPECTED_COMFY);
});

test('the same graph saved as version 1 (object links, state, native reroutes) converts identically', () => {
  const result = savedToApi(fixture('comfy-v1.json') as SavedWorkflow, registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow, EXPECTED_COMFY);
});

test('our own saved files use the values keyed by name and carry the node version', () => {
  const result = savedToApi(fixture('switchyard-saved.json') as SavedWorkflow, registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow, {
    schemaVersion: 1,
    nodes: {
      '1': { type: 'test.load_image', version: 1, inputs: { image: 'cat.png' } },
      '2': { type: 'test.blur', version: 1, inputs: { radius: 3, image: ['1', 0] } },
      // widgets_values is in a stale order; the keyed values win.
      '3': { type: 'test.image_scale', version: 1, inputs: { method: 'area', width: 256, height: 256, crop: 'disabled', image: ['2', 0] } },
      '4': { type: 'test.save_image', version: 1, title: 'Thumbnail', inputs: { prefix: 'thumb', image: ['3', 0] } },
    },
  });
});

// ---- small hand-built graphs -----------------------------------------------------------------

interface NodeSketch {
  id: number;
  type: string;
  mode?: number;
  inputs?: { name: string; type: string; link: number | null; widget?: { name: string } }[];
  outputs?: { name: string; type: string; links: number[] }[];
  widgets_values?: unknown[] | Record<string, unknown>;
  properties?: Record<string, unknown>;
}

function graph(nodes: NodeSketch[], links: [number, number, number, number, number, string][], extra: Record<string, unknown> = {}): SavedWorkflow {
  return { last_node_id: 99, last_link_id: 99, nodes, links, groups: [], config: {}, extra, version: 0.4 } as unknown as SavedWorkflow;
}

const load = (id: number, links: number[]): NodeSketch => ({
  id, type: 'LoadImage', outputs: [{ name: 'IMAGE', type: 'IMAGE', links }, { name: 'MASK', type: 'MASK', links: [] }], widgets_values: ['cat.png', 'image'],
});
const save = (id: number, link: number | null): NodeSketch => ({ id, type: 'SaveImage', inputs: [{ name: 'images', type: 'IMAGE', link }], widgets_values: ['out'] });
const inverter = (id: number, link: number | null, out: number[], mode = 0): NodeSketch => ({
  id, type: 'ImageInvert', mode, inputs: [{ name: 'image', type: 'IMAGE', link }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: out }],
});

test('a chain of bypassed nodes passes the first compatible input through all of them', () => {
  const result = savedToApi(graph(
    [load(1, [1]), inverter(2, 1, [2], 4), inverter(3, 2, [3], 4), save(4, 3)],
    [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE'], [3, 3, 0, 4, 0, 'IMAGE']],
  ), registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow.nodes['4'], { type: 'test.save_image', inputs: { prefix: 'out', image: ['1', 0] } });
  assert.deepEqual(Object.keys(result.workflow.nodes).sort(), ['1', '4']);
});

test('a bypassed node hands each output the input of its type (IMAGE → IMAGE, MASK → MASK)', () => {
  const splitterNode: NodeSketch = {
    id: 2, type: 'test.splitter', mode: 4,
    inputs: [{ name: 'image', type: 'IMAGE', link: 1 }, { name: 'mask', type: 'MASK', link: 2 }],
    outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [3] }, { name: 'MASK', type: 'MASK', links: [4] }],
  };
  const consumer: NodeSketch = {
    id: 3, type: 'test.splitter',
    inputs: [{ name: 'image', type: 'IMAGE', link: 3 }, { name: 'mask', type: 'MASK', link: 4 }],
  };
  const result = savedToApi(graph(
    [load(1, [1]), { ...load(5, []), id: 5, outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }, { name: 'MASK', type: 'MASK', links: [2] }] }, splitterNode, consumer],
    [[1, 1, 0, 2, 0, 'IMAGE'], [2, 5, 1, 2, 1, 'MASK'], [3, 2, 0, 3, 0, 'IMAGE'], [4, 2, 1, 3, 1, 'MASK']],
  ), registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow.nodes['3'], { type: 'test.splitter', inputs: { image: ['1', 0], mask: ['5', 1] } });
});

test('a bypassed node without a compatible linked input leaves its consumers unlinked', () => {
  const latentToImage: NodeSketch = {
    id: 2, type: 'VAEDecode', mode: 4,
    inputs: [{ name: 'samples', type: 'LATENT', link: 1 }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }],
  };
  const latent: NodeSketch = { id: 1, type: 'EmptyLatentImage', outputs: [{ name: 'LATENT', type: 'LATENT', links: [1] }], widgets_values: [64, 64, 1] };
  const result = savedToApi(graph([latent, latentToImage, save(3, 2)], [[1, 1, 0, 2, 0, 'LATENT'], [2, 2, 0, 3, 0, 'IMAGE']]), registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow.nodes['3'], { type: 'test.save_image', inputs: { prefix: 'out' } });
});

test('a converted widget whose source is muted falls back to the widget value', () => {
  const primitive: NodeSketch = { id: 2, type: 'PrimitiveNode', mode: 2, outputs: [{ name: 'INT', type: 'INT', links: [2] }], widgets_values: [999, 'fixed'] };
  const scale: NodeSketch = {
    id: 3, type: 'ImageScale',
    inputs: [{ name: 'image', type: 'IMAGE', link: 1 }, { name: 'width', type: 'INT', link: 2, widget: { name: 'width' } }],
    widgets_values: ['area', 300, 200, 'disabled'],
  };
  const result = savedToApi(graph([load(1, [1]), primitive, scale], [[1, 1, 0, 3, 0, 'IMAGE'], [2, 2, 0, 3, 1, 'INT']]), registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow.nodes['3'], { type: 'test.image_scale', inputs: { method: 'area', width: 300, height: 200, crop: 'disabled', image: ['1', 0] } });
});

test('a converted widget linked to a real node takes the link', () => {
  const scale: NodeSketch = {
    id: 3, type: 'ImageScale',
    inputs: [{ name: 'image', type: 'IMAGE', link: 1 }, { name: 'height', type: 'INT', link: 2, widget: { name: 'height' } }],
    widgets_values: ['area', 300, 200, 'disabled'],
  };
  const counter: NodeSketch = { id: 2, type: 'IntConstant', outputs: [{ name: 'INT', type: 'INT', links: [2] }], widgets_values: [77] };
  const result = savedToApi(graph([load(1, [1]), counter, scale], [[1, 1, 0, 3, 0, 'IMAGE'], [2, 2, 0, 3, 1, 'INT']]), registry);
  assert.deepEqual(result.workflow.nodes['3']!.inputs, { method: 'area', width: 300, height: ['2', 0], crop: 'disabled', image: ['1', 0] });
});

test('the control value is skipped only when it is really there', () => {
  const withoutControl: NodeSketch = { id: 1, type: 'KSampler', widgets_values: [5, 30, 6, 'dpmpp_2m', 'karras', 0.5] };
  const withControl: NodeSketch = { id: 2, type: 'KSampler', widgets_values: [5, 'fixed', 30, 6, 'dpmpp_2m', 'karras', 0.5] };
  const result = savedToApi(graph([withoutControl, withControl], []), registry);
  const expected = { seed: 5, steps: 30, cfg: 6, sampler_name: 'dpmpp_2m', scheduler: 'karras', denoise: 0.5 };
  assert.deepEqual(result.workflow.nodes['1']!.inputs, expected);
  assert.deepEqual(result.workflow.nodes['2']!.inputs, expected);
  // Early ComfyUI files stored a boolean "randomize" checkbox there.
  const legacy: NodeSketch = { id: 3, type: 'KSampler', widgets_values: [5, true, 30, 6, 'dpmpp_2m', 'karras', 0.5] };
  assert.deepEqual(savedToApi(graph([legacy], []), registry).workflow.nodes['3']!.inputs, expected);
});

test("an alias's own widget order is followed, its ignored slots skipped, and socket-only inputs take no slot", () => {
  const node: NodeSketch = { id: 1, type: 'ImageCompositeMasked', widgets_values: [20, 10, 'ignored', true] };
  const result = savedToApi(graph([node], []), registry);
  assert.deepEqual(result.workflow.nodes['1']!.inputs, { y: 20, x: 10, resize: true });
  const ours: NodeSketch = { id: 2, type: 'test.composite', widgets_values: [1, 2, true] };
  assert.deepEqual(savedToApi(graph([ours], []), registry).workflow.nodes['2']!.inputs, { x: 1, y: 2, resize: true });
});

test('widgets_values keyed by name (as some packs save them) are renamed and editor-only keys dropped', () => {
  const node: NodeSketch = { id: 1, type: 'ImageScale', widgets_values: { upscale_method: 'area', width: 10, height: 20, crop: 'center', preview: { hidden: true } } };
  const result = savedToApi(graph([node], []), registry);
  assert.deepEqual(result.workflow.nodes['1']!.inputs, { method: 'area', width: 10, height: 20, crop: 'center' });
});

test('a literal array that would read as a link is wrapped in __value__', () => {
  const node: NodeSketch = { id: 1, type: 'MysteryNode', widgets_values: [['4', 0], [1, 2, 3]] };
  const result = savedToApi(graph([node], []), registry);
  assert.deepEqual(result.workflow.nodes['1']!.inputs, { '0': { __value__: ['4', 0] }, '1': [1, 2, 3] });
});

test('links to nowhere are reported as bad_linked_input, not dropped silently', () => {
  const result = savedToApi(graph([save(1, 5), save(2, 6)], [[6, 42, 0, 2, 0, 'IMAGE']]), registry);
  assert.deepEqual(result.issues.map((item) => [item.code, item.nodeId, item.input]), [
    ['bad_linked_input', '1', 'image'],
    ['bad_linked_input', '2', 'image'],
  ]);
  assert.match(result.issues[0]!.message, /link 5, which is not in the workflow's links/);
  assert.match(result.issues[1]!.message, /node 42, which is not in the workflow/);
});

test('a loop of reroutes is reported instead of recursing forever', () => {
  const rerouteA: NodeSketch = { id: 1, type: 'Reroute', inputs: [{ name: '', type: '*', link: 2 }], outputs: [{ name: '', type: '*', links: [1, 3] }] };
  const rerouteB: NodeSketch = { id: 2, type: 'Reroute', inputs: [{ name: '', type: '*', link: 1 }], outputs: [{ name: '', type: '*', links: [2] }] };
  const result = savedToApi(graph([rerouteA, rerouteB, save(3, 3)], [[1, 1, 0, 2, 0, '*'], [2, 2, 0, 1, 0, '*'], [3, 1, 0, 3, 0, '*']]), registry);
  assert.equal(result.issues.length, 1);
  assert.equal(result.issues[0]!.code, 'invalid_workflow');
  assert.match(result.issues[0]!.message, /loop of reroute/);
  assert.deepEqual(result.workflow.nodes['3']!.inputs, { prefix: 'out' });
});

// ---- subgraphs (ComfyUI's editor: definitions.subgraphs, instanced by type) ------------------

const SCALE_SUBGRAPH = 'c3f1a8e2-5b7d-4e2a-9c1f-0a1b2c3d4e5f';
const NESTING_SUBGRAPH = '7d2e9b41-0c3a-4f5e-8b6d-1e2f3a4b5c6d';

/**
 * "Scale and invert": subgraph input 0 (IMAGE) → ImageScale (its width promoted as input 1) →
 * ImageInvert → output 0. Inside, links from the input side start at -10 and the link to the
 * output side ends at -20, as litegraph writes them (version 1 object links).
 */
const scaleAndInvert = {
  id: SCALE_SUBGRAPH,
  name: 'Scale and invert',
  inputNode: { id: -10, bounding: [0, 0, 120, 60] },
  outputNode: { id: -20, bounding: [600, 0, 120, 60] },
  inputs: [{ id: 'in-image', name: 'image', type: 'IMAGE', linkIds: [10] }, { id: 'in-width', name: 'width', type: 'INT', linkIds: [11] }],
  outputs: [{ id: 'out-image', name: 'IMAGE', type: 'IMAGE', linkIds: [13] }],
  widgets: [],
  nodes: [
    {
      id: 5, type: 'ImageScale', mode: 0,
      inputs: [{ name: 'image', type: 'IMAGE', link: 10 }, { name: 'width', type: 'INT', link: 11, widget: { name: 'width' } }],
      outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [12] }],
      widgets_values: ['bilinear', 512, 384, 'disabled'],
    },
    { id: 6, type: 'ImageInvert', mode: 0, inputs: [{ name: 'image', type: 'IMAGE', link: 12 }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [13] }] },
  ],
  links: [
    { id: 10, origin_id: -10, origin_slot: 0, target_id: 5, target_slot: 0, type: 'IMAGE' },
    { id: 11, origin_id: -10, origin_slot: 1, target_id: 5, target_slot: 1, type: 'INT' },
    { id: 12, origin_id: 5, origin_slot: 0, target_id: 6, target_slot: 0, type: 'IMAGE' },
    { id: 13, origin_id: 6, origin_slot: 0, target_id: -20, target_slot: 0, type: 'IMAGE' },
  ],
};

/** An instance of "Scale and invert": image linked, width a promoted widget holding `width`. */
const scaleInstance = (id: number, imageLink: number | null, out: number[], width: number | undefined, mode = 0): NodeSketch => ({
  id, type: SCALE_SUBGRAPH, mode,
  inputs: [{ name: 'image', type: 'IMAGE', link: imageLink }, { name: 'width', type: 'INT', link: null, widget: { name: 'width' } }],
  outputs: [{ name: 'IMAGE', type: 'IMAGE', links: out }],
  ...(width === undefined ? {} : { widgets_values: [width] }),
});

function withSubgraphs(saved: SavedWorkflow, ...subgraphs: unknown[]): SavedWorkflow {
  return { ...saved, definitions: { subgraphs } } as SavedWorkflow;
}

test('a subgraph instance expands into its inner nodes, numbered <instance>:<inner>, with its boundary links joined', () => {
  const result = savedToApi(withSubgraphs(graph(
    [load(1, [1]), scaleInstance(2, 1, [2], 640), save(3, 2)],
    [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']],
  ), scaleAndInvert), registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow.nodes, {
    '1': { type: 'test.load_image', inputs: { image: 'cat.png' } },
    // width: the instance's promoted widget (640), not the inner node's own 512.
    '2:5': { type: 'test.image_scale', inputs: { method: 'bilinear', width: 640, height: 384, crop: 'disabled', image: ['1', 0] } },
    '2:6': { type: 'test.invert', inputs: { image: ['2:5', 0] } },
    '3': { type: 'test.save_image', inputs: { prefix: 'out', image: ['2:6', 0] } },
  });
});

test('each widget a subgraph node shows routes to the inner inputs it feeds, through nested subgraphs too', () => {
  const single = savedToApi(withSubgraphs(graph(
    [load(1, [1]), scaleInstance(2, 1, [2], 640), save(3, 2)],
    [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']],
  ), scaleAndInvert), registry);
  // The inner ImageScale's "width" is our test.image_scale input "width"; "image" has no widget, so no route.
  assert.deepEqual(single.paramRoutes, { '2.width': [['2:5', 'width']] });
  const nesting = {
    id: NESTING_SUBGRAPH,
    name: 'Outer',
    inputs: [{ name: 'image', type: 'IMAGE', linkIds: [20] }, { name: 'size', type: 'INT', linkIds: [23] }],
    outputs: [{ name: 'IMAGE', type: 'IMAGE', linkIds: [21] }],
    nodes: [{ id: 7, type: SCALE_SUBGRAPH, inputs: [{ name: 'image', type: 'IMAGE', link: 20 }, { name: 'width', type: 'INT', link: 23, widget: { name: 'width' } }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [21] }] }],
    links: [
      { id: 20, origin_id: -10, origin_slot: 0, target_id: 7, target_slot: 0, type: 'IMAGE' },
      { id: 23, origin_id: -10, origin_slot: 1, target_id: 7, target_slot: 1, type: 'INT' },
      { id: 21, origin_id: 7, origin_slot: 0, target_id: -20, target_slot: 0, type: 'IMAGE' },
    ],
  };
  const outer: NodeSketch = { id: 4, type: NESTING_SUBGRAPH, inputs: [{ name: 'image', type: 'IMAGE', link: 1 }, { name: 'size', type: 'INT', link: null, widget: { name: 'size' } }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }], widgets_values: [320] };
  const nested = savedToApi(withSubgraphs(graph([load(1, [1]), outer, save(3, 2)], [[1, 1, 0, 4, 0, 'IMAGE'], [2, 4, 0, 3, 0, 'IMAGE']]), nesting, scaleAndInvert), registry);
  assert.deepEqual(nested.issues, []);
  assert.equal(nested.workflow.nodes['4:7:5']!.inputs.width, 320, 'the outer widget reaches the innermost node');
  assert.deepEqual(nested.paramRoutes, { '4.size': [['4:7:5', 'width']] }, 'the inner instance\'s width is linked from outside it, so only the outer widget routes');

  // Routes follow what the value follows: through a reroute inside, and only along the inner
  // inputs' own links (a stale entry in the subgraph's link list reaches nothing).
  const rerouted = structuredClone(scaleAndInvert);
  rerouted.nodes.push({ id: 9, type: 'Reroute', mode: 0, inputs: [{ name: '', type: '*', link: 11 }], outputs: [{ name: '', type: 'INT', links: [14] }], widgets_values: [] } as never);
  rerouted.nodes[0]!.inputs[1]!.link = 14;
  rerouted.links[1] = { id: 11, origin_id: -10, origin_slot: 1, target_id: 9, target_slot: 0, type: 'INT' };
  rerouted.links.push({ id: 14, origin_id: 9, origin_slot: 0, target_id: 5, target_slot: 1, type: 'INT' });
  rerouted.links.push({ id: 15, origin_id: -10, origin_slot: 1, target_id: 6, target_slot: 0, type: 'INT' });
  const viaReroute = savedToApi(withSubgraphs(graph(
    [load(1, [1]), scaleInstance(2, 1, [2], 640), save(3, 2)],
    [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']],
  ), rerouted), registry);
  assert.deepEqual(viaReroute.issues, []);
  assert.equal(viaReroute.workflow.nodes['2:5']!.inputs.width, 640);
  assert.deepEqual(viaReroute.paramRoutes, { '2.width': [['2:5', 'width']] });
  // A null value (an editor padding a position it did not know) leaves the inner node its own.
  const padded = savedToApi(withSubgraphs(graph([load(1, [1]), { ...scaleInstance(2, 1, [2], 640), widgets_values: [null] }, save(3, 2)], [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']]), scaleAndInvert), registry);
  assert.equal(padded.workflow.nodes['2:5']!.inputs.width, 512);
  assert.deepEqual(padded.paramRoutes, { '2.width': [['2:5', 'width']] });
});

test('two instances of one subgraph get their own nodes; an unlinked input without a promoted value keeps the inner value', () => {
  const result = savedToApi(withSubgraphs(graph(
    [load(1, [1, 3]), scaleInstance(2, 1, [2], 640), save(3, 2), scaleInstance(4, 3, [4], undefined), save(5, 4)],
    [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE'], [3, 1, 0, 4, 0, 'IMAGE'], [4, 4, 0, 5, 0, 'IMAGE']],
  ), scaleAndInvert), registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(Object.keys(result.workflow.nodes).sort(), ['1', '2:5', '2:6', '3', '4:5', '4:6', '5']);
  assert.equal(result.workflow.nodes['2:5']!.inputs.width, 640);
  assert.equal(result.workflow.nodes['4:5']!.inputs.width, 512);
  assert.deepEqual(result.workflow.nodes['5']!.inputs.image, ['4:6', 0]);
});

test('subgraphs nest: an instance inside a subgraph is numbered by the whole path', () => {
  const nesting = {
    id: NESTING_SUBGRAPH,
    name: 'Twice',
    inputs: [{ name: 'image', type: 'IMAGE', linkIds: [20] }],
    outputs: [{ name: 'IMAGE', type: 'IMAGE', linkIds: [22] }],
    nodes: [
      { ...scaleInstance(7, 20, [21], 300), id: 7 },
      { id: 8, type: 'ImageInvert', inputs: [{ name: 'image', type: 'IMAGE', link: 21 }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [22] }] },
    ],
    links: [
      { id: 20, origin_id: -10, origin_slot: 0, target_id: 7, target_slot: 0, type: 'IMAGE' },
      { id: 21, origin_id: 7, origin_slot: 0, target_id: 8, target_slot: 0, type: 'IMAGE' },
      { id: 22, origin_id: 8, origin_slot: 0, target_id: -20, target_slot: 0, type: 'IMAGE' },
    ],
  };
  const outer: NodeSketch = { id: 2, type: NESTING_SUBGRAPH, inputs: [{ name: 'image', type: 'IMAGE', link: 1 }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [2] }] };
  const result = savedToApi(withSubgraphs(graph([load(1, [1]), outer, save(3, 2)], [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']]), nesting, scaleAndInvert), registry);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(Object.keys(result.workflow.nodes).sort(), ['1', '2:7:5', '2:7:6', '2:8', '3']);
  assert.deepEqual(result.workflow.nodes['2:7:5']!.inputs.image, ['1', 0]);
  assert.equal(result.workflow.nodes['2:7:5']!.inputs.width, 300);
  assert.deepEqual(result.workflow.nodes['2:8']!.inputs.image, ['2:7:6', 0]);
  assert.deepEqual(result.workflow.nodes['3']!.inputs.image, ['2:8', 0]);
});

test('a muted instance runs nothing inside; a bypassed one hands its input through', () => {
  const links: [number, number, number, number, number, string][] = [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']];
  const muted = savedToApi(withSubgraphs(graph([load(1, [1]), scaleInstance(2, 1, [2], 640, 2), save(3, 2)], links), scaleAndInvert), registry);
  assert.deepEqual(muted.issues, []);
  assert.deepEqual(Object.keys(muted.workflow.nodes).sort(), ['1', '3']);
  assert.deepEqual(muted.workflow.nodes['3']!.inputs, { prefix: 'out' });
  const bypassed = savedToApi(withSubgraphs(graph([load(1, [1]), scaleInstance(2, 1, [2], 640, 4), save(3, 2)], links), scaleAndInvert), registry);
  assert.deepEqual(bypassed.issues, []);
  assert.deepEqual(Object.keys(bypassed.workflow.nodes).sort(), ['1', '3']);
  assert.deepEqual(bypassed.workflow.nodes['3']!.inputs.image, ['1', 0]);
});

test('a subgraph that contains itself is reported once, not expanded forever; a broken inner link names the inner node', () => {
  const looping = {
    id: NESTING_SUBGRAPH,
    name: 'Forever',
    outputs: [{ name: 'IMAGE', type: 'IMAGE', linkIds: [31] }],
    nodes: [
      { id: 1, type: NESTING_SUBGRAPH, outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [31] }] },
      { id: 2, type: 'ImageInvert', inputs: [{ name: 'image', type: 'IMAGE', link: 77 }], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [] }] },
    ],
    links: [{ id: 31, origin_id: 1, origin_slot: 0, target_id: -20, target_slot: 0, type: 'IMAGE' }],
  };
  const outer: NodeSketch = { id: 4, type: NESTING_SUBGRAPH, outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1] }] };
  const result = savedToApi(withSubgraphs(graph([outer, save(5, 1)], [[1, 4, 0, 5, 0, 'IMAGE']]), looping), registry);
  assert.deepEqual(result.issues.map((found) => [found.code, found.nodeId]).sort(), [['bad_linked_input', '4:2'], ['invalid_workflow', '4:1']]);
  assert.match(result.issues.find((found) => found.code === 'invalid_workflow')!.message, /instances subgraph "Forever" inside itself/);
  assert.match(result.issues.find((found) => found.code === 'bad_linked_input')!.message, /link 77, which is not in the subgraph's links/);
  assert.deepEqual(Object.keys(result.workflow.nodes).sort(), ['4:2', '5']);
  assert.deepEqual(result.workflow.nodes['5']!.inputs, { prefix: 'out' });
});

test('a node id written as "<instance>:<inner>" that meets an inner node is reported, not silently replaced', () => {
  const clash = { ...save(3, 2), id: '2:6' } as unknown as NodeSketch;
  const result = savedToApi(withSubgraphs(graph([load(1, [1]), scaleInstance(2, 1, [2], 640), clash], [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']]), scaleAndInvert), registry);
  assert.deepEqual(result.issues.map((found) => [found.code, found.nodeId]), [['invalid_workflow', '2:6']]);
  assert.match(result.issues[0]!.message, /two nodes would run as 2:6/);
});

test('subgraphs that multiply past the node limit are refused at once, not expanded', () => {
  // Six levels of ten instances each: a few KB of JSON that would expand to a million nodes.
  const level = (depth: number) => ({
    id: `level-${depth}`,
    name: `Level ${depth}`,
    nodes: Array.from({ length: 10 }, (_, index) => (depth === 5 ? { id: index + 1, type: 'ImageInvert' } : { id: index + 1, type: `level-${depth + 1}` })),
    links: [],
  });
  const result = savedToApi(withSubgraphs(graph([{ id: 1, type: 'level-0' }], []), ...Array.from({ length: 6 }, (_, depth) => level(depth))), registry);
  assert.deepEqual(result.issues.map((found) => found.code), ['invalid_workflow']);
  assert.match(result.issues[0]!.message, /subgraphs expand to more than 100000 nodes/);
  assert.deepEqual(result.workflow.nodes, {});
});

test('subgraphs that loop through each other are bounded: one report per subgraph, and the node limit counts every visit', () => {
  const many = (count: number, type: string) => Array.from({ length: count }, (_, index) => ({ id: index + 1, type }));
  // A holds 100 B, B 100 C, C 100 A: each copy of A inside C closes a loop.
  const loop = savedToApi(withSubgraphs(graph([{ id: 1, type: 'A' }], []),
    { id: 'A', name: 'A', nodes: many(100, 'B'), links: [] }, { id: 'B', name: 'B', nodes: many(100, 'C'), links: [] }, { id: 'C', name: 'C', nodes: many(100, 'A'), links: [] }), registry);
  assert.deepEqual(loop.issues.map((found) => found.code), ['invalid_workflow']);
  assert.match(loop.issues[0]!.message, /more than 100000 nodes/);
  // Small enough to expand: the loop is reported once, whatever the number of copies closing it.
  const small = savedToApi(withSubgraphs(graph([{ id: 1, type: 'A' }], []),
    { id: 'A', name: 'A', nodes: [...many(3, 'B'), { id: 9, type: 'ImageInvert' }], links: [] }, { id: 'B', name: 'B', nodes: many(3, 'A'), links: [] }), registry);
  assert.deepEqual(small.issues.map((found) => [found.code, found.nodeId]), [['invalid_workflow', '1:1:1']]);
  assert.match(small.issues[0]!.message, /instances subgraph "A" inside itself/);
  assert.deepEqual(Object.keys(small.workflow.nodes), ['1:9']);
});

test('subgraphs nested deeper than the limit are refused with a reason, without a stack overflow', () => {
  const chain = Array.from({ length: 4000 }, (_, depth) => ({ id: `d${depth}`, name: `d${depth}`, nodes: [{ id: 1, type: depth === 3999 ? 'ImageInvert' : `d${depth + 1}` }], links: [] }));
  const result = savedToApi(withSubgraphs(graph([{ id: 1, type: 'd0' }], []), ...chain), registry);
  assert.deepEqual(result.issues.map((found) => found.code), ['invalid_workflow']);
  assert.match(result.issues[0]!.message, /nest deeper than 64 levels/);
});

test('a repeated subgraph id, or one that names a node type, is reported and ignored', () => {
  const result = savedToApi(withSubgraphs(graph([load(1, [1]), inverter(2, 1, [])], [[1, 1, 0, 2, 0, 'IMAGE']]),
    scaleAndInvert, { ...scaleAndInvert, name: 'Copy' }, { id: 'ImageInvert', name: 'Sneaky', nodes: [], links: [] }), registry);
  assert.deepEqual(result.issues.map((found) => found.message), [
    `two subgraphs share the id ${SCALE_SUBGRAPH}; the second is ignored`,
    'subgraph "Sneaky" has the id ImageInvert, which is a node type; it is ignored',
  ]);
  assert.deepEqual(result.workflow.nodes['2'], { type: 'test.invert', inputs: { image: ['1', 0] } });
});

test('an instance input linked to a link that is not there is reported once, on the instance', () => {
  const broken = scaleInstance(2, 42, [2], 640);
  const result = savedToApi(withSubgraphs(graph([load(1, []), broken, save(3, 2)], [[2, 2, 0, 3, 0, 'IMAGE']]), scaleAndInvert), registry);
  assert.deepEqual(result.issues.map((found) => [found.code, found.nodeId, found.input]), [['bad_linked_input', '2', 'image']]);
  assert.equal(result.issues[0]!.message, 'input "image" of subgraph node 2 refers to link 42, which is not in the workflow\'s links');
});

test('an instance whose subgraph definition is missing stays an unknown node type for validation to name', () => {
  const result = savedToApi(graph([load(1, [1]), scaleInstance(2, 1, [2], 640), save(3, 2)], [[1, 1, 0, 2, 0, 'IMAGE'], [2, 2, 0, 3, 0, 'IMAGE']]), registry);
  assert.deepEqual(result.issues, []);
  assert.equal(result.workflow.nodes['2']!.type, SCALE_SUBGRAPH);
  assert.deepEqual(result.workflow.nodes['3']!.inputs.image, ['2', 0]);
});

test('a saved version newer than 1, or a newer Switchyard schemaVersion, is unsupported_schema_version', () => {
  const future = { ...graph([], []), version: 2 } as SavedWorkflow;
  assert.equal(savedToApi(future, registry).issues[0]!.code, 'unsupported_schema_version');
  const newer = graph([], [], { switchyard: { schemaVersion: 99 } });
  const result = savedToApi(newer, registry);
  assert.equal(result.issues[0]!.code, 'unsupported_schema_version');
  assert.match(result.issues[0]!.message, /schemaVersion 99 is newer/);
});

test('a structurally broken saved file gives invalid_workflow issues that name the field', () => {
  const broken = fixture('comfy-v04.json');
  (broken.nodes as Record<string, unknown>[])[1]!.inputs = [{ name: 5, link: 1 }];
  const result = savedToApi(broken as SavedWorkflow, registry);
  assert.deepEqual(result.workflow, { schemaVersion: 1, nodes: {} });
  assert.ok(result.issues.length > 0);
  assert.ok(result.issues.every((item) => item.code === 'invalid_workflow'));
  assert.match(result.issues[0]!.message, /nodes\[1\]\.inputs\[0\]\.name/);
  assert.deepEqual(savedToApi(null as unknown as SavedWorkflow, registry).issues.map((item) => item.code), ['invalid_workflow']);
});

test('duplicate node ids are reported and the first node kept', () => {
  const result = savedToApi(graph([save(1, null), { ...inverter(1, null, []) }], []), registry);
  assert.equal(result.issues[0]!.code, 'invalid_workflow');
  assert.match(result.issues[0]!.message, /two nodes share the id 1/);
  assert.equal(result.workflow.nodes['1']!.type, 'test.save_image');
});
