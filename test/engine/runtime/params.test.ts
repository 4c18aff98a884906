/**
 * Per-run parameter overrides: `applyParams` (HTTP `params`, CLI `--set`) and the CLI's
 * `--set nodeId.input=value` parsing. Overrides replace literals or links on a copy of the
 * workflow, and every malformed or dangling override is reported, never silently dropped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApiWorkflow } from '../../../engine/graph/api-format.js';
import { applyParams, parseSetArguments } from '../../../engine/runtime/params.js';

function chain(): ApiWorkflow {
  return {
    schemaVersion: 1,
    nodes: {
      '1': { type: 'image.empty', title: 'Canvas', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
      '2': { type: 'image.blur', inputs: { image: ['1', 0], blur_radius: 4, sigma: 2 } },
      '3': { type: 'image.save', inputs: { images: ['2', 0], filename_prefix: 'x' } },
    },
  };
}

test('applyParams replaces literals on a copy; the caller\'s workflow is left as it was', () => {
  const original = chain();
  const before = structuredClone(original);
  const { workflow, issues } = applyParams(original, { '2.blur_radius': 9, '3.filename_prefix': 'portraits/test' });
  assert.deepEqual(issues, []);
  assert.equal(workflow.nodes['2']!.inputs.blur_radius, 9);
  assert.equal(workflow.nodes['3']!.inputs.filename_prefix, 'portraits/test');
  assert.deepEqual(workflow.nodes['2']!.inputs.image, ['1', 0], 'other inputs unchanged');
  assert.equal(workflow.nodes['1']!.title, 'Canvas', 'node fields other than inputs kept');
  assert.equal(workflow.schemaVersion, 1);
  assert.deepEqual(original, before, 'the input workflow is not mutated (it may be reused for the next run)');
});

test('applyParams with no overrides gives an equal workflow and no issues', () => {
  const { workflow, issues } = applyParams(chain(), {});
  assert.deepEqual(issues, []);
  assert.deepEqual(JSON.parse(JSON.stringify(workflow)), chain());
});

test('an override may add an input the workflow left to its default, or replace a link by a value', () => {
  const { workflow, issues } = applyParams(chain(), { '1.color': 0xff00ff, '2.image': 'not a link any more' });
  assert.deepEqual(issues, []);
  assert.equal(workflow.nodes['1']!.inputs.color, 0xff00ff);
  assert.equal(workflow.nodes['2']!.inputs.image, 'not a link any more');
});

test('values are taken as given (0, false, empty text, null are values, not "unset")', () => {
  const { workflow } = applyParams(chain(), { '2.blur_radius': 0, '2.sigma': false, '3.filename_prefix': '', '1.color': null });
  assert.equal(workflow.nodes['2']!.inputs.blur_radius, 0);
  assert.equal(workflow.nodes['2']!.inputs.sigma, false);
  assert.equal(workflow.nodes['3']!.inputs.filename_prefix, '');
  assert.equal(workflow.nodes['1']!.inputs.color, null);
});

test('an override naming a node that is not in the workflow is reported with the node and input', () => {
  const { workflow, issues } = applyParams(chain(), { '77.seed': 1, '2.blur_radius': 3 });
  assert.equal(issues.length, 1);
  const [problem] = issues;
  assert.equal(problem!.code, 'invalid_workflow');
  assert.equal(problem!.nodeId, '77');
  assert.equal(problem!.input, 'seed');
  assert.match(problem!.message, /node 77, which is not in the workflow/);
  assert.deepEqual(problem!.details?.known_nodes, ['1', '2', '3']);
  assert.equal(workflow.nodes['2']!.inputs.blur_radius, 3, 'the good override still applies');
  assert.equal(Object.hasOwn(workflow.nodes, '77'), false, 'no node is invented');
});

test('malformed keys (no dot, empty node id, empty input) are reported as <nodeId>.<input> problems', () => {
  for (const key of ['blur_radius', '.blur_radius', '2.', '', '.']) {
    const { workflow, issues } = applyParams(chain(), { [key]: 5 });
    assert.equal(issues.length, 1, `key ${JSON.stringify(key)}`);
    assert.equal(issues[0]!.code, 'invalid_workflow');
    assert.match(issues[0]!.message, /<nodeId>\.<input>/);
    assert.deepEqual(issues[0]!.details, { parameter: key });
    assert.deepEqual(JSON.parse(JSON.stringify(workflow)), chain(), 'nothing changed');
  }
});

test('the node id ends at the first dot: the rest, dots included, names the input', () => {
  const { workflow, issues } = applyParams(chain(), { '2.options.strength': 1 });
  assert.deepEqual(issues, []);
  assert.equal(workflow.nodes['2']!.inputs['options.strength'], 1);
});

test('node ids such as "__proto__" or "constructor" are plain ids: found when present, reported when not', () => {
  const hostile = JSON.parse('{"schemaVersion":1,"nodes":{"__proto__":{"type":"core.int","inputs":{"value":1}}}}') as ApiWorkflow;
  const present = applyParams(hostile, { '__proto__.value': 2 });
  assert.deepEqual(present.issues, []);
  assert.equal(Object.hasOwn(present.workflow.nodes, '__proto__'), true);
  assert.equal(present.workflow.nodes['__proto__']!.inputs.value, 2);

  const absent = applyParams(chain(), { '__proto__.value': 2, 'constructor.name': 'x', 'toString.x': 1 });
  assert.deepEqual(absent.issues.map((problem) => problem.nodeId), ['__proto__', 'constructor', 'toString']);
  assert.equal(({} as Record<string, unknown>).value, undefined, 'Object.prototype untouched');
});

test('an override of an input named "__proto__" is an own input, never the inputs object\'s prototype', () => {
  const { workflow } = applyParams(chain(), { '2.__proto__': { blur_radius: 99, injected: true } });
  const inputs = workflow.nodes['2']!.inputs;
  assert.equal(Object.getPrototypeOf(inputs), Object.prototype);
  assert.equal((inputs as Record<string, unknown>).injected, undefined);
});

test('parseSetArguments: <nodeId>.<input>=<value>, values kept as text for validation to coerce', () => {
  const { params, errors } = parseSetArguments(['2.blur_radius=9', '3.filename_prefix=portraits/a=b', '1.text=', '4.list=[1,2]', '5.flag=true']);
  assert.deepEqual(errors, []);
  assert.deepEqual(params, {
    '2.blur_radius': '9',
    '3.filename_prefix': 'portraits/a=b',
    '1.text': '',
    '4.list': '[1,2]',
    '5.flag': 'true',
  });
});

test('parseSetArguments: a repeated key takes the last value', () => {
  assert.deepEqual(parseSetArguments(['2.blur_radius=1', '2.blur_radius=7']), { params: { '2.blur_radius': '7' }, errors: [] });
});

test('parseSetArguments: malformed arguments are each reported by their text, and the good ones still parsed', () => {
  const malformed = ['blur=3', '=3', '2.blur_radius', '.blur=3', '2.=3', '', '='];
  const { params, errors } = parseSetArguments([...malformed, '2.sigma=1.5']);
  assert.deepEqual(params, { '2.sigma': '1.5' });
  assert.equal(errors.length, malformed.length);
  malformed.forEach((raw, index) => {
    assert.equal(errors[index], `--set ${raw}: expected <nodeId>.<input>=<value>`);
  });
});

test('parseSetArguments feeds applyParams: a --set naming a missing node is reported, not ignored', () => {
  const { params } = parseSetArguments(['9.seed=1']);
  const { issues } = applyParams(chain(), params);
  assert.deepEqual(issues.map((problem) => [problem.code, problem.nodeId, problem.input]), [['invalid_workflow', '9', 'seed']]);
});

test('a route lets an override name a subgraph node\'s widget: the value goes to every inner input it feeds', () => {
  const expanded: ApiWorkflow = {
    schemaVersion: 1,
    nodes: {
      '1': { type: 'image.empty', inputs: { width: 64, height: 64, batch_size: 1, color: 0 } },
      '2:5': { type: 'image.blur', inputs: { image: ['1', 0], blur_radius: 2, sigma: 1 } },
      '2:6': { type: 'image.blur', inputs: { image: ['2:5', 0], blur_radius: 2, sigma: 1 } },
    },
  };
  const routes: Record<string, [string, string][]> = { '2.radius': [['2:5', 'blur_radius'], ['2:6', 'blur_radius']] };
  const { workflow, issues } = applyParams(expanded, { '2.radius': 7, '2:6.sigma': 3 }, undefined, routes);
  assert.deepEqual(issues, []);
  assert.deepEqual([workflow.nodes['2:5']!.inputs.blur_radius, workflow.nodes['2:6']!.inputs.blur_radius, workflow.nodes['2:6']!.inputs.sigma], [7, 7, 3]);
  const unknown = applyParams(expanded, { '2.strength': 1 }, undefined, routes);
  assert.equal(unknown.issues.length, 1);
  assert.equal(unknown.issues[0]!.message, 'parameter "2.strength": node 2 is a subgraph node; the inputs a parameter can set on it are "radius" (or an inner node\'s, as "2:<inner id>.<input>")');
});
