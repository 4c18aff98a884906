/**
 * Property-based checks that reading workflows never throws, whatever arrives: arbitrary values,
 * arbitrary JSON text, truncated files, randomly damaged fixtures and deep nesting. Every answer
 * must be well formed — valid issues, and on success an API workflow that matches its schema;
 * random subgraph structures convert with every link pointing at a node of the result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  ApiWorkflowSchema, normalizeWorkflow, parseWorkflow, savedToApi, isLink,
  type ParseResult, type SavedWorkflow,
} from '../../../engine/graph/index.js';
import { ValidationIssueSchema } from '../../../engine/validate/issues.js';
import { FIXTURE_NAMES, fixture, fixtureText, testRegistry } from './helpers.js';

const registry = testRegistry();
// Raise for a longer soak: SWITCHYARD_FUZZ_RUNS=20000 node --test dist/test/engine/graph/fuzz.test.js
const RUNS = Number(process.env.SWITCHYARD_FUZZ_RUNS ?? 300);

const anything = fc.anything({
  withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withObjectString: true,
  withSparseArray: true, withTypedArray: true, withDate: true, withBigInt: true,
  key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'nodes', 'links', 'prompt', 'inputs', 'class_type', 'type', '__value__', 'schemaVersion', 'version')),
});

function assertWellFormed(result: ParseResult): void {
  assert.ok(Array.isArray(result.issues));
  for (const item of result.issues) assert.ok(ValidationIssueSchema.safeParse(item).success, item.message);
  if (!result.ok) {
    assert.ok(result.issues.length > 0, 'a refusal always says why');
    return;
  }
  assert.ok(result.format === 'api' || result.format === 'saved');
  assert.ok(ApiWorkflowSchema.safeParse(result.workflow).success, 'the workflow matches the API schema');
  const normalized = normalizeWorkflow(result.workflow, registry);
  for (const item of normalized.issues) assert.ok(ValidationIssueSchema.safeParse(item).success);
}

function assertConvertWellFormed(saved: unknown): void {
  const result = savedToApi(saved as SavedWorkflow, registry);
  for (const item of result.issues) assert.ok(ValidationIssueSchema.safeParse(item).success, item.message);
  assert.ok(ApiWorkflowSchema.safeParse(result.workflow).success);
  for (const node of Object.values(result.workflow.nodes)) {
    for (const value of Object.values(node.inputs)) if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string') assert.ok(isLink(value));
  }
}

test('parseWorkflow and savedToApi answer any value with issues, never an exception', () => {
  fc.assert(fc.property(anything, (value) => {
    assertWellFormed(parseWorkflow(value, registry));
    assertConvertWellFormed(value);
  }), { numRuns: RUNS });
});

test('parseWorkflow answers any JSON text, and any string, without throwing', () => {
  fc.assert(fc.property(fc.json(), (text) => assertWellFormed(parseWorkflow(text, registry))), { numRuns: RUNS });
  fc.assert(fc.property(fc.string(), (text) => assertWellFormed(parseWorkflow(text, registry))), { numRuns: RUNS });
});

test('a truncated workflow file is malformed_json located within the text', () => {
  for (const name of FIXTURE_NAMES) {
    const text = fixtureText(name);
    fc.assert(fc.property(fc.integer({ min: 0, max: text.trimEnd().length - 1 }), (length) => {
      const result = parseWorkflow(text.slice(0, length), registry);
      assert.ok(!result.ok);
      assert.equal(result.issues[0]!.code, 'malformed_json');
      const offset = result.issues[0]!.details?.offset;
      if (offset !== undefined) assert.ok((offset as number) <= length);
    }), { numRuns: 40 });
  }
});

// ---- damaged fixtures -------------------------------------------------------------------------

type Path = (string | number)[];

/** Plain objects only: boxed strings, typed arrays and maps inserted by earlier mutations are leaves. */
function isJsonObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Every path to a value inside a document. Mutations insert generated values, which later runs
 * may mutate again, so documents can become cyclic: each object is walked once.
 */
function paths(value: unknown, prefix: Path = [], out: Path[] = [], seen = new Set<unknown>()): Path[] {
  out.push(prefix);
  if (typeof value === 'object' && value !== null) {
    if (seen.has(value)) return out;
    seen.add(value);
  }
  if (Array.isArray(value)) value.forEach((item, index) => paths(item, [...prefix, index], out, seen));
  else if (isJsonObject(value)) for (const key of Object.keys(value)) paths(value[key], [...prefix, key], out, seen);
  return out;
}

type Mutation = { kind: 'set'; at: number; value: unknown } | { kind: 'delete'; at: number } | { kind: 'rename'; at: number; key: string };

function applyMutation(document: unknown, mutation: Mutation): void {
  const all = paths(document).filter((path) => path.length > 0);
  if (all.length === 0) return;
  const path = all[mutation.at % all.length]!;
  let parent = document as Record<string | number, unknown>;
  for (const part of path.slice(0, -1)) parent = parent[part] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (mutation.kind === 'set') {
    Object.defineProperty(parent, last, { value: mutation.value, enumerable: true, writable: true, configurable: true });
  } else if (mutation.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else Reflect.deleteProperty(parent, last);
  } else if (!Array.isArray(parent)) {
    const value = parent[last];
    Reflect.deleteProperty(parent, last);
    Object.defineProperty(parent, mutation.key, { value, enumerable: true, writable: true, configurable: true });
  }
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.jsonValue(), anything, fc.constantFrom(null, -1, 4, 2, 'fixed', '', [1, 0], ['9', 0], [-1, 0])) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key: fc.constantFrom('__proto__', 'constructor', 'link', 'links', 'mode', 'type', 'class_type', 'widget', 'version', 'x') }),
);

test('randomly damaged fixtures are read or refused, never thrown on', () => {
  fc.assert(fc.property(fc.constantFrom(...FIXTURE_NAMES), fc.array(mutation, { minLength: 1, maxLength: 6 }), (name, mutations) => {
    const document = fixture(name);
    for (const item of mutations) applyMutation(document, item);
    assertWellFormed(parseWorkflow(document, registry));
    assertConvertWellFormed(document);
    let text: string | undefined;
    try {
      text = JSON.stringify(document);
    } catch {
      text = undefined; // BigInt values cannot be written as JSON; the object form was checked above
    }
    if (text !== undefined) assertWellFormed(parseWorkflow(text, registry));
  }), { numRuns: RUNS });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
});

test('deeply nested input is handled without a stack overflow', () => {
  const depth = 200_000;
  const deepArray = '['.repeat(depth) + ']'.repeat(depth);
  const refused = parseWorkflow(deepArray, registry);
  assert.ok(!refused.ok);
  assert.equal(refused.issues[0]!.code, 'invalid_workflow');
  const unterminated = parseWorkflow('{"a": ' + '['.repeat(depth), registry);
  assert.ok(!unterminated.ok);
  assert.equal(unterminated.issues[0]!.code, 'malformed_json');
  assert.match(unterminated.issues[0]!.message, /unexpected end of input/);
  const deepValue = `{"a": {"class_type": "X", "inputs": {"v": ${deepArray}}}}`;
  const accepted = parseWorkflow(deepValue, registry);
  assert.ok(accepted.ok);
  const saved = fixture('comfy-v04.json');
  (saved.nodes as Record<string, unknown>[])[9]!.widgets_values = JSON.parse(deepArray);
  assert.ok(parseWorkflow(saved, registry).ok);
});

test('cyclic objects and throwing getters from JS callers are answered, not thrown', () => {
  const cyclic: Record<string, unknown> = { schemaVersion: 1 };
  cyclic.nodes = { a: { type: 'test.invert', inputs: { image: ['b', 0], loop: cyclic } } };
  const result = parseWorkflow(cyclic, registry);
  assert.ok(result.ok);
  assert.equal(result.workflow.nodes.a!.inputs.loop, cyclic);
  const saved = fixture('comfy-v04.json');
  (saved.nodes as Record<string, unknown>[])[0]!.widgets_values = [saved];
  assert.ok(parseWorkflow(saved, registry).ok);

  const hostile = { get nodes(): unknown { throw new Error('no peeking'); } };
  const refused = parseWorkflow(hostile, registry);
  assert.ok(!refused.ok);
  assert.equal(refused.issues[0]!.code, 'invalid_workflow');
  assert.match(refused.issues[0]!.message, /could not be read: no peeking/);
  const hostileSaved = { nodes: [], get links(): unknown { throw new Error('no peeking'); } };
  assert.match(savedToApi(hostileSaved as unknown as SavedWorkflow, registry).issues[0]!.message, /could not be read: no peeking/);
});

// ---- subgraphs ---------------------------------------------------------------------------------

const SUBGRAPH_IDS = ['sg-0', 'sg-1', 'sg-2'] as const;
const nodeIds = fc.integer({ min: 1, max: 5 });
const slot = fc.integer({ min: -1, max: 2 });
const linkId = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(null));

const sketchNode = fc.record({
  id: nodeIds,
  type: fc.constantFrom('ImageInvert', 'SaveImage', 'Reroute', 'PrimitiveNode', 'Mystery', ...SUBGRAPH_IDS),
  mode: fc.constantFrom(0, 0, 0, 2, 4),
  inputs: fc.array(fc.record({ name: fc.constantFrom('image', 'images', 'width'), type: fc.constantFrom('IMAGE', 'INT', '*'), link: linkId, widget: fc.option(fc.record({ name: fc.constant('width') }), { nil: undefined }) }, { requiredKeys: ['name', 'type', 'link'] }), { maxLength: 3 }),
  outputs: fc.array(fc.record({ name: fc.constant('IMAGE'), type: fc.constantFrom('IMAGE', 'INT'), links: fc.array(fc.integer({ min: 1, max: 12 }), { maxLength: 2 }) }), { maxLength: 2 }),
  widgets_values: fc.oneof(fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 4 })), { maxLength: 3 }), fc.dictionary(fc.constantFrom('width', 'image'), fc.integer())),
}, { requiredKeys: ['id', 'type'] });

const objectLink = fc.record({
  id: fc.integer({ min: 1, max: 12 }),
  origin_id: fc.oneof(nodeIds, fc.constant(-10), fc.constant(99)),
  origin_slot: slot,
  target_id: fc.oneof(nodeIds, fc.constant(-20)),
  target_slot: slot,
  type: fc.constantFrom('IMAGE', 'INT'),
});

const subgraphWorkflow = fc.record({
  nodes: fc.array(sketchNode, { maxLength: 5 }),
  links: fc.array(fc.tuple(fc.integer({ min: 1, max: 12 }), nodeIds, slot, nodeIds, slot, fc.constant('IMAGE')), { maxLength: 6 }),
  definitions: fc.record({
    subgraphs: fc.array(fc.record({
      id: fc.constantFrom(...SUBGRAPH_IDS),
      name: fc.string({ maxLength: 6 }),
      nodes: fc.array(sketchNode, { maxLength: 5 }),
      links: fc.array(objectLink, { maxLength: 6 }),
      inputs: fc.array(fc.record({ name: fc.constantFrom('image', 'width'), type: fc.constantFrom('IMAGE', 'INT') }), { maxLength: 2 }),
      outputs: fc.array(fc.record({ name: fc.constant('IMAGE'), type: fc.constant('IMAGE') }), { maxLength: 2 }),
    }), { maxLength: 3 }),
  }),
});

test('random subgraphs (nested, self-containing, broken links) convert without throwing, and every link points at a node of the result', () => {
  fc.assert(fc.property(subgraphWorkflow, (saved) => {
    assertConvertWellFormed({ ...saved, version: 0.4 });
    const result = savedToApi({ ...saved, version: 0.4 } as unknown as SavedWorkflow, registry);
    for (const [id, node] of Object.entries(result.workflow.nodes)) {
      for (const [name, value] of Object.entries(node.inputs)) {
        if (isLink(value)) assert.ok(Object.hasOwn(result.workflow.nodes, value[0]), `input ${name} of node ${id} links to ${value[0]}, which is not in the result`);
      }
    }
  }), { numRuns: RUNS });
});
