/** Reading workflows in every form users bring them, and refusing what is not a workflow with a clear reason. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkflow, type ParseResult } from '../../../engine/graph/index.js';
import { fixture, fixtureText, testRegistry } from './helpers.js';

const registry = testRegistry();

function ok(result: ParseResult): Extract<ParseResult, { ok: true }> {
  if (!result.ok) assert.fail(`expected ok, got issues ${JSON.stringify(result.issues)}`);
  return result;
}

function failed(result: ParseResult): Extract<ParseResult, { ok: false }> {
  if (result.ok) assert.fail(`expected a refusal, got ${JSON.stringify(result.workflow)}`);
  return result;
}

test('our wrapped API format is read as is', () => {
  const result = ok(parseWorkflow(fixtureText('switchyard-api.json'), registry));
  assert.equal(result.format, 'api');
  assert.deepEqual(result.issues, []);
  assert.deepEqual(result.workflow, fixture('switchyard-api.json'));
});

test('a wrapped workflow without schemaVersion is migrated to version 1', () => {
  const result = ok(parseWorkflow({ nodes: { a: { type: 'test.invert', inputs: {} } } }, registry));
  assert.deepEqual(result.workflow, { schemaVersion: 1, nodes: { a: { type: 'test.invert', inputs: {} } } });
});

test('a ComfyUI prompt map is normalised: class_type → type, _meta.title → title, numeric link ids, __value__', () => {
  const result = ok(parseWorkflow(fixtureText('comfy-prompt.json'), registry));
  assert.equal(result.format, 'api');
  assert.deepEqual(result.workflow.nodes['4'], { type: 'SaveImage', title: 'Save inverted', inputs: { filename_prefix: 'inverted', images: ['2', 0] } });
  assert.deepEqual(result.workflow.nodes['14'], {
    type: 'CurveEditor',
    title: 'Curves',
    // A plain literal array is unwrapped; one that would read as a link keeps its wrapper.
    inputs: { points: [[0, 0], [1, 1]], pair: { __value__: ['a', 1] }, image: ['1', 0] },
  });
  assert.equal(result.workflow.schemaVersion, 1);
  assert.deepEqual(Object.keys(result.workflow.nodes).sort(), ['1', '13', '14', '2', '4', '5']);
});

test('a ComfyUI /prompt body yields its prompt, and the embedded editor workflow when valid', () => {
  const body = { client_id: 'abc', prompt: fixture('comfy-prompt.json'), extra_data: { extra_pnginfo: { workflow: fixture('comfy-v04.json') } } };
  const result = ok(parseWorkflow(JSON.stringify(body), registry));
  assert.equal(result.format, 'api');
  assert.equal(result.workflow.nodes['1']!.type, 'LoadImage');
  assert.equal(result.saved?.nodes.length, 13);
  const broken = ok(parseWorkflow({ prompt: fixture('comfy-prompt.json'), extra_data: { extra_pnginfo: { workflow: 'nope' } } }, registry));
  assert.equal(broken.saved, undefined);
});

test('a saved editor workflow is detected and converted', () => {
  const result = ok(parseWorkflow(fixtureText('comfy-v1.json'), registry));
  assert.equal(result.format, 'saved');
  assert.equal(result.saved?.version, 1);
  assert.deepEqual(result.workflow.nodes['2'], { type: 'test.image_scale', inputs: { method: 'bilinear', width: 640, height: 384, crop: 'center', image: ['1', 0] } });
});

test('a saved workflow with conversion problems is still produced, with the problems as issues', () => {
  const saved = fixture('comfy-v04.json');
  (saved.links as unknown[]).splice(0, 1); // link 1 (LoadImage → ImageScale) disappears
  const result = ok(parseWorkflow(saved, registry));
  assert.deepEqual(result.issues.map((item) => [item.code, item.nodeId, item.input]), [['bad_linked_input', '2', 'image']]);
});

test('malformed JSON is malformed_json with line and column', () => {
  const text = '{\n  "nodes": {\n    "a": { "type": "x", }\n  }\n}';
  const result = failed(parseWorkflow(text, registry));
  assert.equal(result.issues.length, 1);
  const [only] = result.issues;
  assert.equal(only!.code, 'malformed_json');
  assert.deepEqual(only!.details, { line: 3, column: 25, offset: 39 });
  assert.match(only!.message, /line 3, column 25: unexpected "}": expected a double-quoted property name/);
  assert.equal(failed(parseWorkflow('', registry)).issues[0]!.code, 'malformed_json');
  assert.match(failed(parseWorkflow('{"a": "x\ny"}', registry)).issues[0]!.message, /line 1, column 9: a control character/);
  assert.match(failed(parseWorkflow('[1, 2', registry)).issues[0]!.message, /unexpected end of input: expected ',' or '\]'/);
});

test('a leading byte-order mark is accepted', () => {
  const result = ok(parseWorkflow('\uFEFF' + fixtureText('switchyard-api.json'), registry));
  assert.equal(result.workflow.nodes.load!.type, 'test.load_image');
});

test('values that are not workflows are refused with what was expected and what was found', () => {
  const cases: [unknown, RegExp][] = [
    [null, /found null$/],
    [42, /found number 42$/],
    ['"just a string"', /found the string "just a string"$/],
    [[1, 2], /found an array of 2 items$/],
    [{}, /found an empty object$/],
    [{ hello: 'world', answer: 42 }, /found an object with keys "hello", "answer"$/],
  ];
  for (const [input, found] of cases) {
    const result = failed(parseWorkflow(input, registry));
    assert.equal(result.issues.length, 1);
    assert.equal(result.issues[0]!.code, 'invalid_workflow');
    assert.match(result.issues[0]!.message, /^expected a workflow: an API workflow/);
    assert.match(result.issues[0]!.message, found);
  }
  assert.match(failed(parseWorkflow({ schemaVersion: 1, nodes: 'x' }, registry)).issues[0]!.message, /has "schemaVersion" but its "nodes" is the string "x"/);
  assert.match(failed(parseWorkflow({ prompt: [1] }, registry)).issues[0]!.message, /"prompt" is an array of 1 item; expected an object/);
});

test('schemaVersion newer than this engine is unsupported_schema_version; a bad one is invalid_workflow', () => {
  const newer = failed(parseWorkflow({ schemaVersion: 2, nodes: {} }, registry));
  assert.equal(newer.issues[0]!.code, 'unsupported_schema_version');
  assert.deepEqual(newer.issues[0]!.details, { schemaVersion: 2, supported: 1 });
  const bad = failed(parseWorkflow({ schemaVersion: '1', nodes: {} }, registry));
  assert.equal(bad.issues[0]!.code, 'invalid_workflow');
  assert.match(bad.issues[0]!.message, /schemaVersion must be a positive integer, found the string "1"/);
});

test('every malformed node is reported with its id, and nothing is returned', () => {
  const result = failed(parseWorkflow({
    schemaVersion: 1,
    nodes: {
      good: { type: 'test.invert', inputs: {} },
      notObject: 5,
      noType: { inputs: {} },
      twoTypes: { type: 'a', class_type: 'b', inputs: {} },
      badInputs: { type: 'test.invert', inputs: [1] },
      badVersion: { type: 'test.invert', inputs: {}, version: 0 },
      badTitle: { type: 'test.invert', inputs: {}, title: 7 },
      '': { type: 'test.invert', inputs: {} },
    },
  }, registry));
  assert.deepEqual(result.issues.map((item) => item.nodeId), ['notObject', 'noType', 'twoTypes', 'badInputs', 'badVersion', 'badTitle', undefined]);
  assert.ok(result.issues.every((item) => item.code === 'invalid_workflow'));
  assert.match(result.issues[1]!.message, /node noType has no type: expected "type" \(or ComfyUI's "class_type"\)/);
  assert.match(result.issues[3]!.message, /"inputs" must be an object of input name → value or link, found an array of 1 item/);
});

test('__proto__ and constructor are plain ids and input names: nothing is polluted', () => {
  const text = '{"__proto__": {"class_type": "Evil", "inputs": {"__proto__": {"polluted": true}, "constructor": 1}}, "constructor": {"class_type": "X", "inputs": {}}}';
  const result = ok(parseWorkflow(text, registry));
  assert.deepEqual(Object.keys(result.workflow.nodes), ['__proto__', 'constructor']);
  const evil = Object.getOwnPropertyDescriptor(result.workflow.nodes, '__proto__')!.value as { type: string; inputs: Record<string, unknown> };
  assert.equal(evil.type, 'Evil');
  assert.deepEqual(Object.keys(evil.inputs), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(result.workflow.nodes), Object.prototype);
  assert.equal(Object.getPrototypeOf(evil.inputs), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(({} as Record<string, unknown>).class_type, undefined);
  // A missing id named like an Object.prototype member is not mistaken for a node.
  assert.equal(failed(parseWorkflow({ toString: 5, x: { class_type: 'A', inputs: {} } }, registry)).issues[0]!.nodeId, 'toString');
});
