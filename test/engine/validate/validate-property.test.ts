/**
 * Property test: whatever a client sends (random ids, known and unknown types, any values as
 * inputs, links to anything), validation answers with a well-formed report that can be sent as
 * JSON, and never throws.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { NodeErrorsSchema, ValidationIssueSchema, validateWorkflow } from '../../../engine/validate/index.js';
import { ApiWorkflowSchema, type ApiWorkflow } from '../../../engine/graph/api-format.js';
import type { Folders } from '../../../engine/nodes/index.js';
import { ALL_TYPES, tempFolders, testRegistry } from './fixtures.js';

const registry = testRegistry();
let folders: Folders;
let dispose: () => void;
before(() => ({ folders, dispose } = tempFolders(['cat.png'])));
after(() => dispose());

const ids = fc.constantFrom('1', '2', '3', '4', '__proto__', 'constructor', 'toString', 'a b');
const typeNames = fc.oneof(fc.constantFrom(...ALL_TYPES.map((type) => type.type), 'ImageBlur'), fc.string());
const inputNames = fc.oneof(
  fc.constantFrom('image', 'radius', 'mode', 'mask', 'file', 'width', 'brightness', 'images', 'count', 'overwrite', 'choice', 'level', '__proto__', 'constructor', 'toString'),
  fc.string(),
);
const link = fc.tuple(fc.oneof(ids, fc.string()), fc.oneof(fc.nat(3), fc.integer()));
const inputValue = fc.oneof(fc.anything(), link, fc.constantFrom('3', '-1', '1e9', 'cat.png', 'fast', 'slow', 'true', '', null), fc.double());
const inputs = fc.array(fc.tuple(inputNames, inputValue), { maxLength: 6 }).map((entries) => Object.fromEntries(entries));
const node = fc.oneof(
  { weight: 6, arbitrary: fc.record({ type: typeNames, inputs, title: fc.string(), version: fc.anything() }, { requiredKeys: ['type', 'inputs'] }) },
  { weight: 1, arbitrary: fc.anything() },
);
const workflows = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(ids, node), { maxLength: 8 }).map((entries) => ({ schemaVersion: 1, nodes: Object.fromEntries(entries) })) },
  { weight: 1, arbitrary: fc.anything() },
);
const outputs = fc.option(fc.array(fc.oneof(ids, fc.string()), { maxLength: 3 }), { nil: undefined });

test('validateWorkflow never throws and always returns a well-formed, JSON-safe report', async () => {
  await fc.assert(
    fc.asyncProperty(workflows, outputs, async (workflow, requested) => {
      const result = await validateWorkflow(workflow as ApiWorkflow, registry, requested === undefined ? { folders } : { folders, outputs: requested });
      assert.equal(typeof result.valid, 'boolean');
      for (const problem of result.errors) assert.ok(ValidationIssueSchema.safeParse(problem).success, JSON.stringify(problem));
      for (const nodeErrors of Object.values(result.nodeErrors)) {
        assert.ok(NodeErrorsSchema.safeParse(nodeErrors).success);
        assert.ok(nodeErrors.errors.length > 0, 'a node listed in nodeErrors has at least one problem');
        for (const output of nodeErrors.dependentOutputs) assert.ok(Object.hasOwn(result.workflow.nodes, output));
      }
      assert.doesNotThrow(() => JSON.stringify({ errors: result.errors, nodeErrors: result.nodeErrors }));
      assert.ok(ApiWorkflowSchema.safeParse(result.workflow).success, 'the returned workflow has the API shape');
      if (result.valid) {
        assert.deepEqual(result.errors, []);
        assert.ok(result.runnableOutputs.length > 0, 'a valid workflow has something to run');
      }
    }),
    { numRuns: 300 },
  );
});
