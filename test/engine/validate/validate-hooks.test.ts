/**
 * Node `validate()` hooks as validation calls them: with the literal inputs and the data
 * folders, awaited when async, side by side for many nodes; a rejection is reported as
 * custom_validation_failed, never thrown; `input "name": …` messages point at that input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { defineNode, type Folders } from '../../../engine/nodes/index.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { hookTimeoutMs } from '../../../engine/nodes/hook-deadline.js';
import { validateWorkflow } from '../../../engine/validate/index.js';
import { ALL_TYPES, tempFolders, workflow } from './fixtures.js';

const seenFolders: Folders[] = [];

/** Checks at validation that its `file` exists in the input folder, as a loader would. */
const needsFile = defineNode({
  type: 'test.needs_file',
  title: 'Needs file',
  category: 'test',
  inputs: { image: { type: 'IMAGE' }, file: { type: 'STRING' } },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async validate(inputs, ctx) {
    seenFolders.push(ctx.folders);
    await new Promise((resolve) => setImmediate(resolve));
    if (typeof inputs.file !== 'string') return undefined;
    return existsSync(join(ctx.folders.input, inputs.file)) ? undefined : `input "file": ${JSON.stringify(inputs.file)} is not in the input folder`;
  },
  run() {
    throw new Error('not run in validation tests');
  },
});

/** Its hook rejects (and one input name in its messages is not one of its inputs). */
const rejects = defineNode({
  type: 'test.rejects',
  title: 'Rejects',
  category: 'test',
  inputs: { image: { type: 'IMAGE' }, mode: { type: 'STRING', default: 'reject' } },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async validate(inputs) {
    await Promise.resolve();
    if (inputs.mode === 'reject') throw new Error('backend unreachable');
    if (inputs.mode === 'throw-string') return Promise.reject('plain string reason');
    return ['input "nope": not an input of this node', ''];
  },
  run() {
    throw new Error('not run in validation tests');
  },
});

const HOOKS_AT_ONCE = 6;
let started = 0;
let releaseAll: () => void = () => undefined;
const allStarted = new Promise<void>((resolve) => {
  releaseAll = resolve;
});

/** Its hook waits until every such hook has started: it only passes when hooks run side by side. */
const together = defineNode({
  type: 'test.together',
  title: 'Together',
  category: 'test',
  inputs: { image: { type: 'IMAGE' } },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async validate() {
    started++;
    if (started === HOOKS_AT_ONCE) releaseAll();
    // Bounded wait in event-loop turns, not time: run one at a time, the hook gives up and says so.
    let turns = 0;
    const gaveUp = new Promise<'alone'>((resolve) => {
      const turn = () => (++turns >= 50 ? resolve('alone') : setImmediate(turn));
      setImmediate(turn);
    });
    const outcome = await Promise.race([allStarted.then(() => 'together' as const), gaveUp]);
    return outcome === 'alone' ? 'ran alone: hooks were called one by one' : undefined;
  },
  run() {
    throw new Error('not run in validation tests');
  },
});

/** Its options are listed asynchronously and more inputs follow: those are checked once the list is in. */
const listsLater = defineNode({
  type: 'test.lists_later',
  title: 'Lists later',
  category: 'test',
  inputs: {
    file: { type: 'COMBO', options: async ({ folders }) => readdirSync(folders.input).sort() },
    count: { type: 'INT', min: 1 },
    note: { type: 'STRING', default: 'none' },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  validate(inputs) {
    return `input "note": the hook saw ${Object.keys(inputs).join(', ')}`;
  },
  run() {
    throw new Error('not run in validation tests');
  },
});

const registry = new NodeRegistry();
registry.addAll([...ALL_TYPES, needsFile, rejects, together, listsLater], 'test');

test('an async hook gets the data folders and its problem is reported on the input it names', async () => {
  const { folders, dispose } = tempFolders(['cat.png']);
  try {
    const result = await validateWorkflow(workflow({
      1: { type: 'test.solid' },
      2: { type: 'test.needs_file', inputs: { image: ['1', 0], file: 'cat.png' } },
      3: { type: 'test.needs_file', inputs: { image: ['1', 0], file: 'missing.png' } },
      4: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
      5: { type: 'test.save', inputs: { images: ['3', 0], count: 1 } },
    }), registry, { folders });
    assert.deepEqual(seenFolders.at(-1), folders);
    assert.equal(result.valid, false);
    assert.deepEqual(Object.keys(result.nodeErrors), ['3']);
    assert.deepEqual(result.nodeErrors['3']!.errors, [{
      code: 'custom_validation_failed',
      message: 'Node 3 "Needs file" (test.needs_file): input "file": "missing.png" is not in the input folder',
      nodeId: '3',
      input: 'file',
    }]);
    assert.deepEqual(result.nodeErrors['3']!.dependentOutputs, ['5']);
    assert.deepEqual(result.runnableOutputs, ['4']);
  } finally {
    dispose();
  }
});

test('a rejecting async hook is reported as custom_validation_failed, not thrown', async () => {
  const { folders, dispose } = tempFolders();
  try {
    const result = await validateWorkflow(workflow({
      1: { type: 'test.solid' },
      2: { type: 'test.rejects', inputs: { image: ['1', 0] } },
      3: { type: 'test.rejects', inputs: { image: ['1', 0], mode: 'throw-string' } },
      4: { type: 'test.rejects', inputs: { image: ['1', 0], mode: 'messages' } },
      5: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
    }), registry, { folders });
    assert.equal(result.valid, false);
    assert.deepEqual(result.nodeErrors['2']!.errors, [{
      code: 'custom_validation_failed',
      message: 'Node 2 "Rejects" (test.rejects): its validate() check failed with an error: backend unreachable',
      nodeId: '2',
      details: { threw: true },
    }]);
    assert.match(result.nodeErrors['3']!.errors[0]!.message, /failed with an error: plain string reason$/);
    // A name that is not one of the node's inputs stays in the text but is not taken as the input.
    assert.deepEqual(result.nodeErrors['4']!.errors.map((error) => [error.code, error.input, error.message]), [
      ['custom_validation_failed', undefined, 'Node 4 "Rejects" (test.rejects): input "nope": not an input of this node'],
    ]);
  } finally {
    dispose();
  }
});

test('async hooks of many nodes are called side by side, not one after another', async () => {
  const { folders, dispose } = tempFolders();
  try {
    const nodes: Record<string, { type: string; inputs?: Record<string, unknown> }> = { src: { type: 'test.solid' } };
    for (let i = 0; i < HOOKS_AT_ONCE; i++) {
      nodes[`t${i}`] = { type: 'test.together', inputs: { image: ['src', 0] } };
      nodes[`s${i}`] = { type: 'test.save', inputs: { images: [`t${i}`, 0], count: 1 } };
    }
    const result = await validateWorkflow(workflow(nodes), registry, { folders });
    assert.equal(started, HOOKS_AT_ONCE);
    assert.equal(result.valid, true, JSON.stringify(result.nodeErrors));
  } finally {
    dispose();
  }
});

test('hooks of nodes with a broken literal see only the literals that passed their checks', async () => {
  const { folders, dispose } = tempFolders();
  try {
    const result = await validateWorkflow(workflow({
      1: { type: 'test.solid' },
      2: { type: 'test.needs_file', inputs: { image: ['1', 0], file: 42 } },
      3: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
    }), registry, { folders });
    // The number is refused as a STRING; the hook does not see it, so it adds nothing.
    assert.deepEqual(result.nodeErrors['2']!.errors.map((error) => `${error.code}:${error.input}`), ['invalid_input_type:file']);
  } finally {
    dispose();
  }
});

test('a node waiting for its listed options still reports its inputs and problems in declaration order', async () => {
  const { folders, dispose } = tempFolders(['cat.png']);
  try {
    const result = await validateWorkflow(workflow({
      1: { type: 'test.lists_later', inputs: { count: 0, file: 'bird.png' } },
      2: { type: 'test.lists_later', inputs: { file: 'cat.png', count: '3' } },
    }), registry, { folders });
    assert.deepEqual(result.nodeErrors['1']!.errors.map((error) => `${error.code}:${error.input}`), [
      'value_not_in_list:file',
      'value_smaller_than_min:count',
      'custom_validation_failed:note',
    ]);
    // The hook sees only the literals that passed: here just the default.
    assert.match(result.nodeErrors['1']!.errors[2]!.message, /the hook saw note$/);
    assert.match(result.nodeErrors['2']!.errors[0]!.message, /the hook saw file, count, note$/);
    // Inputs come back in the type's order, coerced where they passed, as written where not.
    assert.deepEqual(Object.entries(result.workflow.nodes['1']!.inputs), [['file', 'bird.png'], ['count', 0], ['note', 'none']]);
    assert.deepEqual(Object.entries(result.workflow.nodes['2']!.inputs), [['file', 'cat.png'], ['count', 3], ['note', 'none']]);
  } finally {
    dispose();
  }
});

/** A hook and a computed combo that never answer, as a hung network share or a pack bug would. */
const neverAnswers = defineNode({
  type: 'test.never_answers',
  title: 'Never answers',
  category: 'test',
  inputs: {
    image: { type: 'IMAGE' },
    mode: { type: 'STRING', default: 'hook' },
    file: { type: 'COMBO', options: () => new Promise<string[]>(() => undefined), optional: true },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  validate(inputs) {
    return inputs.mode === 'hook' ? new Promise<string>(() => undefined) : undefined;
  },
  run() {
    throw new Error('not run in validation tests');
  },
});

const hangingRegistry = new NodeRegistry();
hangingRegistry.addAll([...ALL_TYPES, neverAnswers], 'test');

test('a validate() hook or an options list that never answers is reported at the deadline, and the rest is still checked', async () => {
  const { folders, dispose } = tempFolders();
  try {
    const result = await validateWorkflow(workflow({
      1: { type: 'test.solid' },
      2: { type: 'test.never_answers', inputs: { image: ['1', 0] } },
      3: { type: 'test.never_answers', inputs: { image: ['1', 0], mode: 'quiet', file: 'a.png' } },
      4: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
      5: { type: 'test.save', inputs: { images: ['3', 0], count: 1 } },
      6: { type: 'test.save', inputs: { images: ['1', 0], count: 1 } },
    }), hangingRegistry, { folders, hookTimeoutMs: 40 });
    assert.equal(result.valid, false);
    assert.deepEqual(result.nodeErrors['2']!.errors, [{
      code: 'custom_validation_failed',
      message: 'Node 2 "Never answers" (test.never_answers): its validate() check did not answer within 40 ms',
      nodeId: '2',
      details: { timedOut: true, timeoutMs: 40 },
    }]);
    const listing = result.nodeErrors['3']!.errors;
    assert.equal(listing.length, 1);
    assert.equal(listing[0]!.input, 'file');
    assert.match(listing[0]!.message, /listing the options did not finish within 40 ms/);
    assert.deepEqual(result.runnableOutputs, ['6']);
  } finally {
    dispose();
  }
});

test('a deadline too long for a timer means the longest one, not an instant timeout', async () => {
  const before = process.env.SWITCHYARD_HOOK_TIMEOUT_MS;
  process.env.SWITCHYARD_HOOK_TIMEOUT_MS = '3000000000';
  try {
    assert.equal(hookTimeoutMs(), 2 ** 31 - 1);
    assert.equal(hookTimeoutMs(1e12), 2 ** 31 - 1);
    assert.equal(hookTimeoutMs(250), 250);
    process.env.SWITCHYARD_HOOK_TIMEOUT_MS = 'soon';
    assert.equal(hookTimeoutMs(), 10_000);
  } finally {
    if (before === undefined) delete process.env.SWITCHYARD_HOOK_TIMEOUT_MS;
    else process.env.SWITCHYARD_HOOK_TIMEOUT_MS = before;
  }
});

test('the hook deadline comes from SWITCHYARD_HOOK_TIMEOUT_MS when validation is not given one', async () => {
  const { folders, dispose } = tempFolders();
  const before = process.env.SWITCHYARD_HOOK_TIMEOUT_MS;
  process.env.SWITCHYARD_HOOK_TIMEOUT_MS = '30';
  try {
    const result = await validateWorkflow(workflow({
      1: { type: 'test.solid' },
      2: { type: 'test.never_answers', inputs: { image: ['1', 0] } },
      3: { type: 'test.save', inputs: { images: ['2', 0], count: 1 } },
    }), hangingRegistry, { folders });
    assert.deepEqual(result.nodeErrors['2']!.errors[0]!.details, { timedOut: true, timeoutMs: 30 });
  } finally {
    if (before === undefined) delete process.env.SWITCHYARD_HOOK_TIMEOUT_MS;
    else process.env.SWITCHYARD_HOOK_TIMEOUT_MS = before;
    dispose();
  }
});
