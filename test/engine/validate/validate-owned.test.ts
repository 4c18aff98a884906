/**
 * Validation of a workflow its caller hands over (`owned`, as a check that parsed the workflow
 * itself does): the report is exactly the one a copy would get, nodes already in the form
 * validation gives them are kept instead of copied, and the caller's own workflow is never
 * changed. Without `owned`, the returned workflow shares no node or inputs object with the input.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { validateWorkflow } from '../../../engine/validate/index.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import type { Folders } from '../../../engine/nodes/index.js';
import { ALL_TYPES, tempFolders, testRegistry } from './fixtures.js';

const registry = testRegistry();
let folders: Folders;
let dispose: () => void;
before(() => ({ folders, dispose } = tempFolders(['cat.png'])));
after(() => dispose());

/** A copy down to each node's inputs object (values are shared, as parsing shares them). */
function copy(workflow: unknown): unknown {
  if (typeof workflow !== 'object' || workflow === null) return workflow;
  const source = workflow as Record<string, unknown>;
  const nodes = source.nodes;
  if (typeof nodes !== 'object' || nodes === null || Array.isArray(nodes)) return { ...source };
  const copied: Record<string, unknown> = {};
  for (const [id, node] of Object.entries(nodes)) {
    const value = typeof node === 'object' && node !== null && !Array.isArray(node)
      ? { ...node, ...('inputs' in node && typeof node.inputs === 'object' && node.inputs !== null && !Array.isArray(node.inputs) ? { inputs: { ...node.inputs } } : {}) }
      : node;
    Object.defineProperty(copied, id, { value, enumerable: true, writable: true, configurable: true });
  }
  return { ...source, nodes: copied };
}

/** Every node and inputs object of `workflow` (to check identity against). */
function objectsOf(workflow: unknown): Set<unknown> {
  const found = new Set<unknown>();
  const nodes = (workflow as { nodes?: unknown } | null)?.nodes;
  if (typeof nodes !== 'object' || nodes === null) return found;
  for (const node of Object.values(nodes)) {
    if (typeof node !== 'object' || node === null) continue;
    found.add(node);
    const inputs = (node as { inputs?: unknown }).inputs;
    if (typeof inputs === 'object' && inputs !== null) found.add(inputs);
  }
  return found;
}

const solidType = 'test.solid';

test('an owned workflow already in validated form is kept as it is, with the same report a copy gets', async () => {
  const written = {
    schemaVersion: 1,
    nodes: {
      s: { type: solidType, inputs: { width: 64, height: 32, brightness: 0.5 }, title: 'Base' },
      b: { type: 'test.blur', inputs: { image: ['s', 0], radius: 2, mode: 'slow' } },
      o: { type: 'test.save', inputs: { images: ['b', 0], prefix: 'x', overwrite: true, count: 3 } },
    },
  };
  const expected = await validateWorkflow(copy(written) as ApiWorkflow, registry, { folders });
  const before = JSON.stringify(written);
  const owned = await validateWorkflow(written as ApiWorkflow, registry, { folders, owned: true });
  assert.deepEqual(owned, expected);
  assert.equal(owned.valid, true);
  assert.equal(owned.workflow, written, 'nothing to change: the workflow itself');
  assert.equal(JSON.stringify(written), before);
  assert.ok(objectsOf(expected.workflow).size > 0);
  for (const object of objectsOf(expected.workflow)) assert.ok(!objectsOf(written).has(object), 'without owned, nothing is shared');
});

test('owned nodes that validation changes are copied in validated form; the others are kept', async () => {
  const written = {
    schemaVersion: 1,
    nodes: {
      // Out of declaration order, a default missing, a numeric string, an undeclared input, a wrapped literal.
      reordered: { type: solidType, inputs: { height: 32, width: 64, brightness: 0.5 } },
      defaulted: { type: solidType, inputs: { width: 64, height: 32 } },
      coerced: { type: solidType, inputs: { width: '64', height: 32, brightness: 0.5 } },
      extra: { type: solidType, inputs: { width: 64, height: 32, brightness: 0.5, leftover: 1 } },
      wrapped: { type: solidType, inputs: { width: { __value__: 64 }, height: 32, brightness: 0.5 } },
      versioned: { type: solidType, inputs: { width: 64, height: 32, brightness: 0.5 }, version: 1 },
      badVersion: { type: solidType, inputs: { width: 64, height: 32, brightness: 0.5 }, version: 'one' },
      same: { type: solidType, inputs: { width: 64, height: 32, brightness: 0.5 } },
      unknown: { type: 'test.nope', inputs: { a: 1 } },
      o: { type: 'test.save', inputs: { images: ['same', 0], prefix: 'out', overwrite: false, count: 1 } },
    },
  };
  const expected = await validateWorkflow(copy(written) as ApiWorkflow, registry, { folders });
  const before = JSON.stringify(written);
  const owned = await validateWorkflow(written as unknown as ApiWorkflow, registry, { folders, owned: true });
  assert.deepEqual(owned, expected);
  assert.equal(JSON.stringify(written), before, 'the written workflow is not changed');
  const nodes = owned.workflow.nodes;
  assert.deepEqual(Object.keys(nodes.reordered!.inputs), ['width', 'height', 'brightness'], 'declaration order');
  assert.deepEqual(nodes.defaulted!.inputs, { width: 64, height: 32, brightness: 0.5 });
  assert.deepEqual(nodes.coerced!.inputs, { width: 64, height: 32, brightness: 0.5 });
  assert.deepEqual(nodes.extra!.inputs, { width: 64, height: 32, brightness: 0.5 });
  assert.deepEqual(nodes.wrapped!.inputs, { width: 64, height: 32, brightness: 0.5 });
  assert.equal(nodes.badVersion!.version, undefined);
  for (const id of ['reordered', 'defaulted', 'coerced', 'extra', 'wrapped', 'badVersion'] as const) {
    assert.notEqual(nodes[id], written.nodes[id], `${id} is a validated copy`);
  }
  for (const id of ['versioned', 'same', 'unknown', 'o'] as const) assert.equal(nodes[id], written.nodes[id], `${id} is kept`);
  assert.notEqual(owned.workflow, written);
});

const ids = fc.constantFrom('1', '2', '3', '10', '__proto__', 'constructor', 'a b');
const typeNames = fc.constantFrom(...ALL_TYPES.map((type) => type.type), 'ImageBlur', 'test.nope');
const inputNames = fc.constantFrom('image', 'radius', 'mode', 'mask', 'file', 'width', 'height', 'brightness', 'images', 'prefix', 'count', 'overwrite', 'choice', 'level', '__proto__', 'constructor', 'toString', 'leftover');
const link = fc.tuple(ids, fc.nat(2));
const value = fc.oneof(link, fc.integer({ min: -5, max: 5000 }), fc.double(), fc.constantFrom('3', 'cat.png', 'fast', 'slow', 'true', '', null, true, -0), fc.record({ __value__: fc.anything() }));
const inputs = fc.array(fc.tuple(inputNames, value), { maxLength: 6 }).map((entries) => Object.fromEntries(entries));
const node = fc.record({ type: typeNames, inputs, title: fc.string(), version: fc.oneof(fc.constant(1), fc.anything()) }, { requiredKeys: ['type', 'inputs'] });
const workflows = fc.array(fc.tuple(ids, node), { maxLength: 8 }).map((entries) => ({ schemaVersion: 1, nodes: Object.fromEntries(entries) }));

test('owned or not, any workflow gets the same report; without owned no node or inputs object is shared', async () => {
  await fc.assert(
    fc.asyncProperty(workflows, async (workflow) => {
      const expected = await validateWorkflow(workflow as ApiWorkflow, registry, { folders });
      for (const object of objectsOf(expected.workflow)) assert.ok(!objectsOf(workflow).has(object));
      const handed = copy(workflow);
      const owned = await validateWorkflow(handed as ApiWorkflow, registry, { folders, owned: true });
      assert.deepEqual(owned, expected);
      assert.deepEqual(Object.keys(owned.workflow.nodes), Object.keys(expected.workflow.nodes));
      for (const id of Object.keys(expected.workflow.nodes)) {
        assert.deepEqual(Object.keys(owned.workflow.nodes[id]!), Object.keys(expected.workflow.nodes[id]!), 'node keys in the same order');
        assert.deepEqual(Object.keys(owned.workflow.nodes[id]!.inputs), Object.keys(expected.workflow.nodes[id]!.inputs), 'inputs in the same order');
      }
      assert.deepEqual(handed, copy(workflow), 'the handed-over workflow is not changed');
    }),
    { numRuns: 400 },
  );
});
