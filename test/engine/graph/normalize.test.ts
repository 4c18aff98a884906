/** Canonical form before validation: aliases resolved, node versions migrated, editor leftovers dropped. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeWorkflow, parseWorkflow, savedToApi, type ApiWorkflow, type SavedWorkflow } from '../../../engine/graph/index.js';
import { fixture, fixtureText, testRegistry } from './helpers.js';

const registry = testRegistry();

function normalized(workflow: ApiWorkflow) {
  return normalizeWorkflow(workflow, registry);
}

test('a ComfyUI prompt ends up with our type ids and input names, minus editor leftovers', () => {
  const parsed = parseWorkflow(fixtureText('comfy-prompt.json'), registry);
  assert.ok(parsed.ok);
  const result = normalized(parsed.workflow);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow, {
    schemaVersion: 1,
    nodes: {
      '1': { type: 'test.load_image', title: 'Load Image', inputs: { image: 'photo.png' } },
      '2': { type: 'test.image_scale', title: 'Upscale Image', inputs: { method: 'bilinear', width: 640, height: 384, crop: 'center', image: ['1', 0] } },
      '4': { type: 'test.save_image', title: 'Save inverted', inputs: { prefix: 'inverted', image: ['2', 0] } },
      '5': { type: 'test.sampler', title: 'KSampler', inputs: { seed: 42, steps: 20, cfg: 7.5, sampler_name: 'euler', scheduler: 'normal', denoise: 1, latent_image: ['13', 0] } },
      '13': { type: 'test.empty_latent', title: 'Empty Latent Image', inputs: { width: 512, height: 512, batch_size: 1 } },
      // Unknown types are left exactly as they were, for validation to name.
      '14': { type: 'CurveEditor', title: 'Curves', inputs: { points: [[0, 0], [1, 1]], pair: { __value__: ['a', 1] }, image: ['1', 0] } },
    },
  });
});

test('unknown inputs that are not editor leftovers are kept for validation to judge', () => {
  const result = normalized({ schemaVersion: 1, nodes: { a: { type: 'ImageInvert', inputs: { image: ['b', 0], strength: 2, upload: 'image' } } } });
  assert.deepEqual(result.workflow.nodes.a, { type: 'test.invert', inputs: { image: ['b', 0], strength: 2 } });
});

test('a node saved by an older node version is migrated and marked current', () => {
  const converted = savedToApi(fixture('switchyard-saved.json') as SavedWorkflow, registry);
  const result = normalized(converted.workflow);
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow.nodes['2'], { type: 'test.blur', version: 2, inputs: { sigma: 3, image: ['1', 0] } });
  // Nodes already at the current version are unchanged.
  assert.deepEqual(result.workflow.nodes['1'], converted.workflow.nodes['1']);
  // The input workflow is not modified.
  assert.deepEqual(converted.workflow.nodes['2']!.inputs, { radius: 3, image: ['1', 0] });
});

test('a node version newer than the installed type is invalid_workflow on that node', () => {
  const result = normalized({ schemaVersion: 1, nodes: { b: { type: 'test.blur', version: 5, inputs: { sigma: 1 } } } });
  assert.equal(result.issues.length, 1);
  assert.equal(result.issues[0]!.code, 'invalid_workflow');
  assert.equal(result.issues[0]!.nodeId, 'b');
  assert.match(result.issues[0]!.message, /saved by version 5 of test\.blur, newer than the installed version 2/);
  assert.equal(result.workflow.nodes.b!.version, 5);
});

test("a pack's failing migration becomes an issue, not an exception", () => {
  const result = normalized({ schemaVersion: 1, nodes: { m: { type: 'test.broken_migration', version: 1, inputs: { amount: 2 } } } });
  assert.equal(result.issues.length, 1);
  assert.equal(result.issues[0]!.code, 'invalid_workflow');
  assert.match(result.issues[0]!.message, /upgrading test\.broken_migration inputs from version 1 to 3 failed: cannot read version 1 values/);
  const invalid = normalized({ schemaVersion: 1, nodes: { m: { type: 'test.blur', version: 1.5, inputs: {} } } });
  assert.match(invalid.issues[0]!.message, /node m has version number 1\.5; a node version is a positive integer/);
});

test('an input given under both the alias name and our name is reported', () => {
  const result = normalized({ schemaVersion: 1, nodes: { s: { type: 'SaveImage', inputs: { images: ['x', 0], image: ['y', 0] } } } });
  assert.equal(result.issues.length, 1);
  assert.equal(result.issues[0]!.input, 'image');
  assert.match(result.issues[0]!.message, /gives input "image" twice/);
});

test('malformed workflows pass through untouched with an issue', () => {
  const result = normalizeWorkflow(null as unknown as ApiWorkflow, registry);
  assert.equal(result.workflow, null);
  assert.equal(result.issues[0]!.code, 'invalid_workflow');
  const odd = { schemaVersion: 1, nodes: { a: 5, b: { type: 'test.invert', inputs: 'x' } } } as unknown as ApiWorkflow;
  assert.deepEqual(normalizeWorkflow(odd, registry).workflow, odd);
});
