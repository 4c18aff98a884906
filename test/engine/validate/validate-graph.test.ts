/**
 * Whole-graph behaviour of validation: every problem reported at once, cycles (including very
 * long ones, without recursion), which outputs each problem blocks, and ids/input names that
 * collide with Object.prototype.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateWorkflow } from '../../../engine/validate/index.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import type { Folders } from '../../../engine/nodes/index.js';
import { tempFolders, testRegistry, workflow } from './fixtures.js';

const registry = testRegistry();
let folders: Folders;
let dispose: () => void;
before(() => ({ folders, dispose } = tempFolders(['cat.png'])));
after(() => dispose());

test('a workflow with many problems reports all of them in one pass', async () => {
  const result = await validateWorkflow(workflow({
    1: { type: 'test.load', inputs: { file: 'missing.png' } },
    2: { type: 'test.blur', inputs: { image: ['1', 1], radius: 'wide', mode: 'medium' } },
    3: { type: 'test.solid', inputs: { width: -1, height: 99999 } },
    4: { type: 'test.blur', inputs: { image: ['3', 0], mode: 'slow', radius: 9, mask: ['42', 0] } },
    5: { type: 'test.save', inputs: { images: ['2', 0] } },
    6: { type: 'test.save', inputs: { images: ['4', 0], count: 1 } },
    7: { type: 'text.nope', inputs: { image: ['8', 0] } },
    8: { type: 'test.blur', inputs: { image: ['7', 0] } },
    9: { type: 'test.save', inputs: { images: 'literal', count: 1 } },
  }), registry, { folders });
  assert.equal(result.valid, false);
  const seen = Object.entries(result.nodeErrors).flatMap(([id, node]) => node.errors.map((e) => `${id}:${e.code}${e.input ? ':' + e.input : ''}`));
  assert.deepEqual(seen.sort(), [
    '1:value_not_in_list:file',
    '2:invalid_input_type:radius',
    '2:return_type_mismatch:image',
    '2:value_not_in_list:mode',
    '3:value_bigger_than_max:height',
    '3:value_smaller_than_min:width',
    '4:bad_linked_input:mask',
    '4:custom_validation_failed',
    '5:required_input_missing:count',
    '7:missing_node_type',
    '9:invalid_input_type:images',
  ]);
  assert.deepEqual(result.errors.map((e) => e.code), ['dependency_cycle']);
  assert.deepEqual(result.errors[0].details?.nodes, ['7', '8']);
  assert.deepEqual(result.nodeErrors['1'].dependentOutputs, ['5']);
  assert.deepEqual(result.nodeErrors['3'].dependentOutputs, ['6']);
  assert.deepEqual(result.nodeErrors['7'].dependentOutputs, []);
  assert.deepEqual(result.runnableOutputs, []);
});

test('problems block only the outputs downstream of them; leftovers are reported but do not block', async () => {
  const nodes = {
    1: { type: 'test.solid' },
    2: { type: 'test.blur', inputs: { image: ['1', 0], radius: 50 } },
    3: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
    4: { type: 'test.save', inputs: { images: ['1', 0], count: 2 } },
    5: { type: 'test.save', inputs: { images: ['2', 0], count: 3 } },
  };
  const blocked = await validateWorkflow(workflow(nodes), registry, { folders });
  assert.equal(blocked.valid, false);
  assert.deepEqual(blocked.nodeErrors['2'].dependentOutputs, ['3', '5']);
  assert.deepEqual(blocked.runnableOutputs, ['4']);

  const leftover = await validateWorkflow(workflow({ ...nodes, 2: { type: 'test.solid', inputs: {} }, 9: { type: 'test.blur', inputs: { radius: 50 } } }), registry, { folders });
  assert.equal(leftover.valid, true, 'a disconnected broken node does not stop the run');
  assert.deepEqual(leftover.nodeErrors['9'].errors.map((e) => e.code), ['required_input_missing', 'value_bigger_than_max']);
  assert.deepEqual(leftover.nodeErrors['9'].dependentOutputs, []);
  assert.deepEqual(leftover.runnableOutputs, ['3', '4', '5']);
});

test('dependency_cycle: two nodes, and a node linking to itself, named in order', async () => {
  const result = await validateWorkflow(workflow({
    a: { type: 'test.blur', inputs: { image: ['b', 0] } },
    b: { type: 'test.blur', inputs: { image: ['a', 0] }, title: 'Back' },
    c: { type: 'test.blur', inputs: { image: ['c', 0] } },
    out: { type: 'test.save', inputs: { images: ['a', 0], count: 1 } },
  }), registry, { folders });
  assert.equal(result.valid, false);
  assert.deepEqual(result.errors.map((e) => [e.code, e.details?.nodes]), [['dependency_cycle', ['a', 'b']], ['dependency_cycle', ['c']]]);
  assert.equal(result.errors[0].message, 'Dependency cycle: Node a "Blur" (test.blur) → Node b "Back" (test.blur) → Node a "Blur" (test.blur)');
  assert.equal(result.errors[1].message, 'Node c "Blur" (test.blur) links to itself, which makes a dependency cycle');
  assert.deepEqual(result.runnableOutputs, [], 'an output fed by a cycle cannot run');
});

test('a cycle through a node of unknown type is still found, and blocks the output it feeds', async () => {
  const result = await validateWorkflow(workflow({
    a: { type: 'test.blur', inputs: { image: ['x', 0] } },
    x: { type: 'Mystery', inputs: { anything: ['a', 0] } },
    out: { type: 'test.save', inputs: { images: ['a', 0], count: 1 } },
  }), registry, { folders });
  assert.equal(result.valid, false);
  assert.deepEqual(result.errors.map((e) => [e.code, e.details?.nodes]), [['dependency_cycle', ['a', 'x']]]);
  assert.deepEqual(result.nodeErrors.x.errors.map((e) => e.code), ['missing_node_type']);
  assert.deepEqual(result.nodeErrors.x.dependentOutputs, ['out']);
  assert.deepEqual(result.runnableOutputs, []);
});

/** A chain of `count` blur nodes, node i+1 reading node i; `closed` links node 0 back to the last. */
function chain(count: number, closed: boolean): ApiWorkflow {
  const nodes: ApiWorkflow['nodes'] = {};
  nodes.src = { type: 'test.solid', inputs: {} };
  for (let i = 0; i < count; i++) {
    const source = i === 0 ? (closed ? `n${count - 1}` : 'src') : `n${i - 1}`;
    nodes[`n${i}`] = { type: 'test.blur', inputs: { image: [source, 0] } };
  }
  nodes.out = { type: 'test.save', inputs: { images: [`n${count - 1}`, 0], count: 1 } };
  return { schemaVersion: 1, nodes };
}

test('a 10,000-node cycle is found without overflowing the stack, its nodes listed in data-flow order', async () => {
  const result = await validateWorkflow(chain(10_000, true), registry, { folders });
  assert.equal(result.errors.length, 1);
  const [cycle] = result.errors;
  assert.equal(cycle.code, 'dependency_cycle');
  const ids = cycle.details?.nodes as string[];
  assert.equal(ids.length, 10_000);
  for (let i = 0; i + 1 < ids.length; i++) {
    assert.deepEqual(result.workflow.nodes[ids[i + 1]].inputs.image, [ids[i], 0], `${ids[i]} should feed ${ids[i + 1]}`);
  }
  assert.ok(cycle.message.length < 1000, 'the message shortens a long cycle');
  assert.match(cycle.message, /… 9988 more …/);
});

test('a 10,000-node chain without a cycle validates', async () => {
  const result = await validateWorkflow(chain(10_000, false), registry, { folders });
  assert.equal(result.valid, true);
  assert.deepEqual(result.runnableOutputs, ['out']);
  assert.equal(Object.keys(result.workflow.nodes).length, 10_002);
});

test('node ids and input names like __proto__ and constructor are ordinary names', async () => {
  const text = JSON.stringify({
    schemaVersion: 1,
    nodes: {
      ['__proto__']: { type: 'test.solid', inputs: {} },
      constructor: { type: 'test.prototype_names', inputs: { ['__proto__']: '3' } },
      toString: { type: 'test.save', inputs: { images: ['__proto__', 0], count: 1 } },
      hasOwnProperty: { type: 'test.save', inputs: { images: ['valueOf', 0], count: 1 } },
    },
  });
  const parsed = JSON.parse(text) as ApiWorkflow;
  assert.ok(Object.hasOwn(parsed.nodes, '__proto__'), 'JSON.parse keeps __proto__ as an own key');
  const result = await validateWorkflow(parsed, registry, { folders });
  assert.ok(Object.hasOwn(result.workflow.nodes, '__proto__'));
  assert.equal(result.workflow.nodes['__proto__'].type, 'test.solid');
  assert.equal(Object.getPrototypeOf(result.workflow.nodes), Object.prototype, 'the returned object was not re-prototyped');
  // "constructor" input is absent: it must be reported missing, not read from Object.prototype.
  assert.ok(Object.hasOwn(result.nodeErrors, 'constructor'));
  assert.deepEqual(result.nodeErrors['constructor'].errors.map((e) => `${e.code}:${e.input}`), ['required_input_missing:constructor']);
  const inputs = result.workflow.nodes['constructor'].inputs;
  assert.ok(Object.hasOwn(inputs, '__proto__'));
  assert.equal(inputs['__proto__'], 3, '"3" coerced to 3 under the name __proto__');
  assert.equal(Object.hasOwn(inputs, 'toString'), false, 'an absent optional input stays absent');
  assert.deepEqual(result.nodeErrors['constructor'].dependentOutputs, ['constructor']);
  assert.equal(Object.hasOwn(result.nodeErrors, 'toString'), false, 'a link to the node "__proto__" resolves');
  assert.match(result.nodeErrors['hasOwnProperty'].errors[0].message, /linked to node "valueOf", which is not in the workflow/);
  assert.equal(Object.getPrototypeOf(result.nodeErrors), Object.prototype);
});
