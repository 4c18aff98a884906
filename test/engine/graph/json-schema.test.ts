/** The published JSON Schemas compile with a 2020-12 validator and accept real workflow files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { workflowJsonSchemas } from '../../../engine/graph/index.js';
import { fixture } from './helpers.js';

function compile() {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  const schemas = workflowJsonSchemas();
  return { api: ajv.compile(schemas.api), saved: ajv.compile(schemas.saved) };
}

test('the schemas are draft 2020-12 and compile with ajv', () => {
  const schemas = workflowJsonSchemas();
  assert.equal(schemas.api.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.equal(schemas.saved.$schema, 'https://json-schema.org/draft/2020-12/schema');
  compile();
});

test('the saved schema accepts ComfyUI 0.4 and 1 files and our own, and rejects broken ones', () => {
  const { saved } = compile();
  for (const name of ['comfy-v04.json', 'comfy-v1.json', 'switchyard-saved.json'] as const) {
    assert.equal(saved(fixture(name)), true, `${name}: ${JSON.stringify(saved.errors)}`);
  }
  const shortLink = fixture('comfy-v04.json');
  (shortLink.links as unknown[])[0] = [1, 1, 0];
  assert.equal(saved(shortLink), false);
  assert.equal(saved({ nodes: 'none' }), false);
});

test('the API schema accepts our API file and rejects nodes without a type', () => {
  const { api } = compile();
  assert.equal(api(fixture('switchyard-api.json')), true, JSON.stringify(api.errors));
  assert.equal(api({ schemaVersion: 1, nodes: { a: { inputs: {} } } }), false);
  assert.equal(api({ schemaVersion: 0, nodes: {} }), false);
});
