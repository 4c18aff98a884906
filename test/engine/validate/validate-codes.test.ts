/** One test per validation code: what a user sees for each kind of mistake in a workflow. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateWorkflow, type ValidationResult } from '../../../engine/validate/index.js';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import type { Folders } from '../../../engine/nodes/index.js';
import { tempFolders, testRegistry, workflow } from './fixtures.js';

const registry = testRegistry();
let folders: Folders;
let dispose: () => void;
before(() => ({ folders, dispose } = tempFolders(['cat.png', 'dog.png'])));
after(() => dispose());

function run(nodes: Parameters<typeof workflow>[0], outputs?: string[]): Promise<ValidationResult> {
  return validateWorkflow(workflow(nodes), registry, outputs ? { folders, outputs } : { folders });
}

/** The [code, input] pairs reported for one node. */
function codes(result: ValidationResult, nodeId: string): string[] {
  return (result.nodeErrors[nodeId]?.errors ?? []).map((e) => (e.input ? `${e.code}:${e.input}` : e.code));
}

test('a valid workflow: defaults filled, "3" coerced to 3 for INT, undeclared inputs dropped', async () => {
  const result = await run({
    1: { type: 'test.load', inputs: { file: 'cat.png' } },
    2: { type: 'test.blur', inputs: { image: ['1', 0], radius: '2.5', leftover: 'ignored' }, title: 'Soften' },
    3: { type: 'test.save', inputs: { images: ['2', 0], count: '3' } },
  });
  assert.equal(result.valid, true, JSON.stringify(result.errors.concat(Object.values(result.nodeErrors).flatMap((n) => n.errors))));
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.nodeErrors, {});
  assert.deepEqual(result.runnableOutputs, ['3']);
  assert.deepEqual(result.workflow.nodes['3'].inputs, { images: ['2', 0], prefix: 'out', overwrite: false, count: 3 });
  assert.deepEqual(result.workflow.nodes['2'], { type: 'test.blur', title: 'Soften', inputs: { image: ['1', 0], radius: 2.5, mode: 'fast' } });
  assert.equal(result.workflow.schemaVersion, 1);
});

test('missing_node_type names the node and suggests close type ids and aliases', async () => {
  const result = await run({
    1: { type: 'test.blurr', inputs: { image: ['9', 0] } },
    2: { type: 'ImageBlr' },
    3: { type: 'quantum.teleport' },
    4: { type: 'test.save', inputs: { images: ['1', 0], count: 1 } },
  });
  assert.equal(result.valid, false);
  const [first] = result.nodeErrors['1'].errors;
  assert.equal(first.code, 'missing_node_type');
  assert.match(first.message, /^Node 1 \(test\.blurr\) has unknown node type "test\.blurr"\. Did you mean "test\.blur"\?/);
  assert.deepEqual(first.details?.suggestions, ['test.blur']);
  assert.match(result.nodeErrors['2'].errors[0].message, /Did you mean "ImageBlur"\?/);
  assert.doesNotMatch(result.nodeErrors['3'].errors[0].message, /Did you mean/);
  // The save's link into the unknown node is not a second error, and the unknown node blocks the save.
  assert.equal(result.nodeErrors['4'], undefined);
  assert.deepEqual(result.nodeErrors['1'].dependentOutputs, ['4']);
  assert.equal(result.nodeErrors['1'].type, 'test.blurr');
});

test('required_input_missing for unset required inputs, not for optional or defaulted ones', async () => {
  const result = await run({ 1: { type: 'test.save', inputs: {} } });
  assert.deepEqual(codes(result, '1'), ['required_input_missing:images', 'required_input_missing:count']);
  assert.equal(result.nodeErrors['1'].errors[0].message, 'Node 1 "Save image" (test.save): required input "images" is not connected (link an output of type IMAGE to it)');
  assert.match(result.nodeErrors['1'].errors[1].message, /required input "count" has no value and no link/);
  assert.deepEqual(result.nodeErrors['1'].dependentOutputs, ['1']);
});

test('bad_linked_input for a link to a missing node or to an output the node lacks', async () => {
  const result = await run({
    1: { type: 'test.load', inputs: { file: 'cat.png' } },
    2: { type: 'test.blur', inputs: { image: ['99', 0], mask: ['1', 5] } },
    3: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
  });
  assert.deepEqual(codes(result, '2'), ['bad_linked_input:image', 'bad_linked_input:mask']);
  const [missing, index] = result.nodeErrors['2'].errors;
  assert.equal(missing.message, 'Node 2 "Blur" (test.blur): input "image" is linked to node "99", which is not in the workflow');
  assert.equal(index.message, 'Node 2 "Blur" (test.blur): input "mask" is linked to output 5 of Node 1 "Load image" (test.load), which has only 2 outputs (0: IMAGE IMAGE, 1: MASK MASK)');
});

test('return_type_mismatch when the source output type does not fit', async () => {
  const result = await run({
    1: { type: 'test.load', inputs: { file: 'cat.png' } },
    2: { type: 'test.blur', inputs: { image: ['1', 1] } },
    3: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
  });
  assert.deepEqual(codes(result, '2'), ['return_type_mismatch:image']);
  assert.equal(result.nodeErrors['2'].errors[0].message, 'Node 2 "Blur" (test.blur): input "image" expects IMAGE but is linked to output 1 "MASK" (MASK) of Node 1 "Load image" (test.load)');
  assert.deepEqual(result.nodeErrors['2'].errors[0].details, { sourceNode: '1', sourceOutput: 1, receivedType: 'MASK', expectedType: 'IMAGE' });
});

test('invalid_input_type for a literal of the wrong kind and a literal on a link-only input', async () => {
  const result = await run({ 1: { type: 'test.save', inputs: { images: 'cat.png', count: 'many', overwrite: 'maybe' } } });
  assert.deepEqual(codes(result, '1'), ['invalid_input_type:images', 'invalid_input_type:overwrite', 'invalid_input_type:count']);
  const count = result.nodeErrors['1'].errors[2];
  assert.equal(count.message, 'Node 1 "Save image" (test.save): input "count": expected an integer, got the string "many"');
  assert.equal(count.details?.receivedValue, 'many');
  // The bad value is kept as written in the returned workflow.
  assert.equal(result.workflow.nodes['1'].inputs.count, 'many');
});

test('value_smaller_than_min and value_bigger_than_max', async () => {
  const result = await run({
    1: { type: 'test.solid', inputs: { width: 0, height: '5000', brightness: -0.5 } },
    2: { type: 'test.save', inputs: { images: ['1', 0], count: 1 } },
  });
  assert.deepEqual(codes(result, '1'), ['value_smaller_than_min:width', 'value_bigger_than_max:height', 'value_smaller_than_min:brightness']);
  assert.equal(result.nodeErrors['1'].errors[1].message, 'Node 1 "Solid colour" (test.solid): input "height": 5000 is bigger than the maximum 4096');
  assert.equal(result.nodeErrors['1'].errors[0].details?.min, 1);
});

test('value_not_in_list for fixed options and for options listed from the input folder', async () => {
  const result = await run({
    1: { type: 'test.load', inputs: { file: 'bird.png' } },
    2: { type: 'test.blur', inputs: { image: ['1', 0], mode: 'medium' } },
    3: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
  });
  assert.deepEqual(codes(result, '1'), ['value_not_in_list:file']);
  assert.equal(result.nodeErrors['1'].errors[0].message, 'Node 1 "Load image" (test.load): input "file": the string "bird.png" is not one of the options: "cat.png", "dog.png"');
  assert.deepEqual(codes(result, '2'), ['value_not_in_list:mode']);
  assert.deepEqual(result.nodeErrors['1'].dependentOutputs, ['3']);
});

test('custom_validation_failed from the node hook; throwing hooks and option lists are reported, not thrown', async () => {
  const result = await run({
    1: { type: 'test.solid' },
    2: { type: 'test.blur', inputs: { image: ['1', 0], mode: 'slow', radius: 8 } },
    3: { type: 'test.brittle', inputs: { choice: 'a' } },
    4: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
  });
  assert.deepEqual(codes(result, '2'), ['custom_validation_failed']);
  assert.equal(result.nodeErrors['2'].errors[0].message, 'Node 2 "Blur" (test.blur): slow mode supports a radius of at most 5');
  assert.deepEqual(codes(result, '3'), ['value_not_in_list:choice', 'custom_validation_failed']);
  assert.match(result.nodeErrors['3'].errors[0].message, /options backend is down/);
  assert.match(result.nodeErrors['3'].errors[1].message, /validate\(\) check failed with an error: hook exploded/);
});

test('prompt_no_outputs without an output node, and for requested outputs that are missing or not outputs', async () => {
  const none = await run({ 1: { type: 'test.solid' } });
  assert.equal(none.valid, false);
  assert.deepEqual(none.errors.map((e) => e.code), ['prompt_no_outputs']);
  assert.match(none.errors[0].message, /no output node/);

  const nodes = {
    1: { type: 'test.solid' },
    2: { type: 'test.save', inputs: { images: ['1', 0], count: 1 } },
    3: { type: 'test.save', inputs: { images: ['1', 0] } },
  };
  const chosen = await run(nodes, ['2']);
  assert.equal(chosen.valid, true, 'node 3 is broken but not requested');
  assert.deepEqual(chosen.runnableOutputs, ['2']);
  assert.deepEqual(chosen.nodeErrors['3'].dependentOutputs, [], 'reported, but blocks nothing requested');

  const wrong = await run(nodes, ['1', '7']);
  assert.deepEqual(wrong.errors.map((e) => [e.code, e.nodeId]), [['prompt_no_outputs', '1'], ['prompt_no_outputs', '7']]);
  assert.match(wrong.errors[0].message, /Node 1 "Solid colour" \(test\.solid\) is not an output node/);
  assert.match(wrong.errors[1].message, /"7" is not in the workflow/);
});

test('invalid_workflow for shapes that are not workflows or nodes that are not nodes', async () => {
  for (const bad of [null, 42, 'text', [], { nodes: [] }, { nodes: null }]) {
    const result = await validateWorkflow(bad as unknown as ApiWorkflow, registry, { folders });
    assert.equal(result.valid, false);
    assert.equal(result.errors[0].code, 'invalid_workflow');
    assert.deepEqual(result.workflow.nodes, {});
  }
  const nodes = { 1: 'not a node', 2: { inputs: {} }, 3: { type: 'test.solid', inputs: [1, 2] }, 4: { type: 'test.save', inputs: { images: ['1', 0], count: 1 } } };
  const result = await validateWorkflow({ schemaVersion: 1, nodes } as unknown as ApiWorkflow, registry, { folders });
  assert.deepEqual(['1', '2', '3'].map((id) => result.nodeErrors[id].errors[0].code), ['invalid_workflow', 'invalid_workflow', 'invalid_workflow']);
  assert.match(result.nodeErrors['2'].errors[0].message, /has no type/);
  assert.match(result.nodeErrors['3'].errors[0].message, /"inputs" is not an object/);
  assert.equal(result.nodeErrors['4'], undefined, 'a link into a malformed node is not a second error');
  assert.deepEqual(Object.keys(result.workflow.nodes), ['4']);
});
