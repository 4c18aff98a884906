/**
 * What `switchyard validate` reports for the core pack from literal inputs alone, through
 * validateWorkflow with the real pack: division by a literal zero, integer pow with a negative
 * exponent, literal arithmetic that overflows, text that is not a number, broken templates.
 * Values that only a link would supply are left to the run, and the run still checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Folders } from '../../../engine/nodes/index.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { validateWorkflow, type ValidationResult } from '../../../engine/validate/index.js';
import corePack from '../../../nodes/core/index.js';
import { intMathNode } from '../../../nodes/core/math.js';
import { createTestContext } from '../../helpers/node-context.js';

const registry = new NodeRegistry();
registry.addAll(corePack.nodes, corePack.name);

const rootPromise = mkdtemp(join(tmpdir(), 'switchyard-core-validate-'));
test.after(async () => rm(await rootPromise, { recursive: true, force: true }));

async function folders(): Promise<Folders> {
  const root = await rootPromise;
  return { input: join(root, 'input'), output: join(root, 'output'), temp: join(root, 'temp'), models: join(root, 'models') };
}

/** Validates node `1` of `type` with `inputs`, shown by a show_text node; `linked` inputs come from a core.int. */
async function check(type: string, inputs: Record<string, unknown>, linked: readonly string[] = []): Promise<ValidationResult> {
  const nodes: Record<string, { type: string; inputs: Record<string, unknown> }> = {
    src: { type: 'core.int', inputs: { value: 3 } },
    1: { type, inputs: { ...inputs, ...Object.fromEntries(linked.map((name) => [name, ['src', 0]])) } },
    2: { type: 'core.show_text', inputs: { value: ['1', 0] } },
  };
  return validateWorkflow({ schemaVersion: 1, nodes }, registry, { folders: await folders() });
}

/** The one problem of node 1: a custom_validation_failed on `input` (undefined: the node as a whole). */
function onlyProblem(result: ValidationResult, input: string | undefined): string {
  assert.equal(result.valid, false);
  const errors = result.nodeErrors['1']?.errors ?? [];
  assert.deepEqual(errors.map((error) => [error.code, error.input]), [['custom_validation_failed', input]], JSON.stringify(result.nodeErrors));
  assert.deepEqual(result.nodeErrors['1']!.dependentOutputs, ['2']);
  return errors[0]!.message;
}

test('int_math: division and modulo by a literal zero are reported, even when a is linked', async () => {
  assert.equal(onlyProblem(await check('core.int_math', { a: 5, b: 0, operation: 'divide' }), 'b'), 'Node 1 "Int Math" (core.int_math): input "b": is 0, and dividing by zero has no result');
  assert.match(onlyProblem(await check('core.int_math', { b: 0, operation: 'modulo' }, ['a']), 'b'), /input "b": is 0, and taking the modulo by zero has no result/);
  // b left empty takes its default, 0.
  assert.match(onlyProblem(await check('core.int_math', { operation: 'divide' }, ['a']), 'b'), /dividing by zero/);
  // b linked: only the run knows it.
  assert.equal((await check('core.int_math', { a: 5, operation: 'divide' }, ['b'])).valid, true);
  assert.equal((await check('core.int_math', { a: 5, b: 2, operation: 'divide' })).valid, true);
});

test('int_math: a negative exponent and literal overflow are reported; the run still refuses them', async () => {
  assert.match(onlyProblem(await check('core.int_math', { b: -1, operation: 'pow' }, ['a']), 'b'), /input "b": integer pow needs an exponent ≥ 0, got -1/);
  const overflow = onlyProblem(await check('core.int_math', { a: Number.MAX_SAFE_INTEGER, b: 1, operation: 'add' }), undefined);
  assert.match(overflow, /^Node 1 "Int Math" \(core\.int_math\): 9007199254740991 add 1 = 9007199254740992 is outside the integer range/);
  assert.match(onlyProblem(await check('core.int_math', { a: 2, b: 60, operation: 'pow' }), undefined), /2 to the power 60 is outside the integer range/);
  // Linked a with a large b is not guessed at: 1 ** 60 would be fine.
  assert.equal((await check('core.int_math', { b: 60, operation: 'pow' }, ['a'])).valid, true);
  const ctx = await createTestContext();
  try {
    await assert.rejects(async () => intMathNode.run({ a: 5, b: 0, operation: 'divide' }, ctx), { code: 'invalid_input' });
  } finally {
    await ctx.dispose();
  }
});

test('float_math: division by a literal zero and non-finite literal results are reported', async () => {
  assert.match(onlyProblem(await check('core.float_math', { b: 0, operation: 'divide' }, ['a']), 'b'), /^Node 1 "Float Math" \(core\.float_math\): input "b": is 0, and dividing by zero/);
  assert.match(onlyProblem(await check('core.float_math', { a: 0, b: -1, operation: 'pow' }), undefined), /0 pow -1 has no finite result/);
  assert.match(onlyProblem(await check('core.float_math', { a: 1e308, b: 10, operation: 'multiply' }), undefined), /has no finite result/);
  // A negative exponent is fine for floats whenever a is not 0, so a linked a is left to the run.
  assert.equal((await check('core.float_math', { b: -1, operation: 'pow' }, ['a'])).valid, true);
});

test('to_number: literal text that is not a number, or too large, is reported on the text input', async () => {
  assert.equal(onlyProblem(await check('core.to_number', { text: 'twelve' }), 'text'), 'Node 1 "Text to Number" (core.to_number): input "text": "twelve" is not a number');
  assert.match(onlyProblem(await check('core.to_number', { text: '1e400' }), 'text'), /"1e400" is too large for a number/);
  assert.match(onlyProblem(await check('core.to_number', { text: '1e20' }), 'text'), /1e20 is outside the integer range/);
  assert.equal((await check('core.to_number', { text: ' -1.5e3 ' })).valid, true);
});

test('format: stray braces and unknown placeholders in a literal template are reported; unconnected ones are left to the run', async () => {
  assert.match(onlyProblem(await check('core.format', { template: 'size {e}' }, ['a']), 'template'), /input "template": template placeholder \{e\} at position 5 is unknown/);
  assert.match(onlyProblem(await check('core.format', { template: 'a } b' }), 'template'), /template has a lone "\}" at position 2/);
  assert.equal((await check('core.format', { template: '{a} and {{literal}}' }, ['a'])).valid, true);
  // Whether {b} is connected is a matter of links, which the hook does not see.
  assert.equal((await check('core.format', { template: '{a} {b}' }, ['a'])).valid, true);
});
