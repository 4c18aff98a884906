/** Workflow schemaVersion migrations: the step table, refusal of newer versions, failing steps. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrateWorkflowSchema, CURRENT_SCHEMA_VERSION } from '../../../engine/graph/index.js';

test('a document without schemaVersion is version 0 and is brought to the current version', () => {
  const nodes = { a: { type: 'x', inputs: {} } };
  const result = migrateWorkflowSchema({ nodes });
  assert.ok(result.ok);
  assert.equal(result.fromVersion, 0);
  assert.deepEqual(result.document, { nodes, schemaVersion: CURRENT_SCHEMA_VERSION });
});

test('steps run in order from the document version, and a failing step is an issue', () => {
  const steps = { 0: (doc: Record<string, unknown>) => ({ ...doc, trail: ['0→1'] }) };
  const result = migrateWorkflowSchema({ nodes: {} }, steps);
  assert.ok(result.ok);
  assert.deepEqual(result.document.trail, ['0→1']);
  const failing = migrateWorkflowSchema({ nodes: {} }, { 0: () => { throw new Error('boom'); } });
  assert.ok(!failing.ok);
  assert.match(failing.issues[0]!.message, /from schemaVersion 0 to 1 failed: boom/);
  const missing = migrateWorkflowSchema({ nodes: {} }, {});
  assert.ok(!missing.ok);
  assert.match(missing.issues[0]!.message, /no migration from workflow schemaVersion 0 to 1/);
});

test('newer or nonsensical versions are refused', () => {
  const newer = migrateWorkflowSchema({ schemaVersion: CURRENT_SCHEMA_VERSION + 1, nodes: {} });
  assert.ok(!newer.ok);
  assert.equal(newer.issues[0]!.code, 'unsupported_schema_version');
  for (const bad of [0, -1, 1.5, '1', null]) {
    const result = migrateWorkflowSchema({ schemaVersion: bad, nodes: {} });
    assert.ok(!result.ok);
    assert.equal(result.issues[0]!.code, 'invalid_workflow');
  }
});
