/** Literal coercion as the CLI's `--set` and the server's overrides use it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { checkLiteral, coerceLiteral } from '../../../engine/validate/index.js';
import { fitsAsIs } from '../../../engine/validate/coerce.js';
import type { InputSpec } from '../../../engine/nodes/index.js';
import { tempFolders } from './fixtures.js';

const int: InputSpec = { type: 'INT', min: 1, max: 100 };
const float: InputSpec = { type: 'FLOAT', min: 0, max: 1 };

test('INT accepts integral numbers and numeric strings, refuses fractions and junk', () => {
  assert.deepEqual(coerceLiteral(int, 3), { ok: true, value: 3 });
  assert.deepEqual(coerceLiteral(int, 3.0), { ok: true, value: 3 });
  assert.deepEqual(coerceLiteral(int, '3'), { ok: true, value: 3 });
  assert.deepEqual(coerceLiteral(int, ' 42 '), { ok: true, value: 42 });
  assert.deepEqual(coerceLiteral(int, '1e1'), { ok: true, value: 10 });
  for (const bad of [3.5, '3.5', '', 'abc', '0x10', 'Infinity', NaN, Number.MAX_SAFE_INTEGER * 4, true, null, [1], {}]) {
    const result = coerceLiteral(int, bad);
    assert.equal(result.ok, false, `accepted ${String(bad)}`);
    if (!result.ok) assert.equal(result.issue.code, 'invalid_input_type');
  }
  const text = coerceLiteral(int, 'abc');
  assert.ok(!text.ok && text.issue.message === 'expected an integer, got the string "abc"', JSON.stringify(text));
});

test('INT and FLOAT enforce min and max after coercion', () => {
  const small = coerceLiteral(int, '0');
  assert.ok(!small.ok && small.issue.code === 'value_smaller_than_min' && small.issue.details.min === 1);
  assert.equal(!small.ok && small.issue.message, '0 is smaller than the minimum 1');
  const big = coerceLiteral(float, 1.5);
  assert.ok(!big.ok && big.issue.code === 'value_bigger_than_max' && big.issue.message === '1.5 is bigger than the maximum 1');
  assert.deepEqual(coerceLiteral(float, '0.25'), { ok: true, value: 0.25 });
  assert.deepEqual(coerceLiteral(float, '.5'), { ok: true, value: 0.5 });
});

test('BOOLEAN takes booleans and the words true/false; STRING takes only strings', () => {
  assert.deepEqual(coerceLiteral({ type: 'BOOLEAN' }, 'true'), { ok: true, value: true });
  assert.deepEqual(coerceLiteral({ type: 'BOOLEAN' }, 'FALSE'), { ok: true, value: false });
  assert.deepEqual(coerceLiteral({ type: 'BOOLEAN' }, false), { ok: true, value: false });
  assert.equal(coerceLiteral({ type: 'BOOLEAN' }, 1).ok, false);
  assert.equal(coerceLiteral({ type: 'BOOLEAN' }, 'yes').ok, false);
  assert.deepEqual(coerceLiteral({ type: 'STRING' }, ''), { ok: true, value: '' });
  assert.equal(coerceLiteral({ type: 'STRING' }, 5).ok, false);
});

test('COMBO checks fixed options unless custom values are allowed', () => {
  const combo: InputSpec = { type: 'COMBO', options: ['fast', 'slow'] };
  assert.deepEqual(coerceLiteral(combo, 'slow'), { ok: true, value: 'slow' });
  const wrong = coerceLiteral(combo, 'medium');
  assert.ok(!wrong.ok && wrong.issue.code === 'value_not_in_list');
  assert.equal(!wrong.ok && wrong.issue.message, 'the string "medium" is not one of the options: "fast", "slow"');
  assert.deepEqual(coerceLiteral({ ...combo, allowCustom: true }, 'medium'), { ok: true, value: 'medium' });
  assert.equal(coerceLiteral({ ...combo, allowCustom: true }, 3).ok, false);
});

test('a literal on a link-only type is refused, with a hint for numeric link ids', () => {
  const result = coerceLiteral({ type: 'IMAGE' }, [5, 0]);
  assert.ok(!result.ok && result.issue.code === 'invalid_input_type');
  assert.match(!result.ok ? result.issue.message : '', /from an output of type IMAGE, not a literal.*\["5", 0\]/);
});

test('checkLiteral lists computed options from the folders, and reports a failing listing', async () => {
  const { folders, dispose } = tempFolders(['cat.png']);
  try {
    const files: InputSpec = { type: 'COMBO', options: ({ folders: f }) => (f.input === folders.input ? ['cat.png'] : []) };
    assert.deepEqual(await checkLiteral(files, 'cat.png', { folders }), { ok: true, value: 'cat.png' });
    const missing = await checkLiteral(files, 'dog.png', { folders });
    assert.ok(!missing.ok && missing.issue.code === 'value_not_in_list');
    const broken: InputSpec = { type: 'COMBO', options: async () => { throw new Error('disk gone'); } };
    const failed = await checkLiteral(broken, 'x', { folders });
    assert.ok(!failed.ok && failed.issue.code === 'value_not_in_list' && /disk gone/.test(failed.issue.message));
    const notAList: InputSpec = { type: 'COMBO', options: (() => 'nope') as unknown as () => string[] };
    const odd = await checkLiteral(notAList, 'x', { folders });
    assert.ok(!odd.ok && /instead of a list/.test(odd.issue.message));
  } finally {
    dispose();
  }
});

test('a literal validation takes as it is (fitsAsIs) is exactly one coerceLiteral accepts unchanged', () => {
  const specs: InputSpec[] = [int, float, { type: 'INT' }, { type: 'FLOAT' }, { type: 'BOOLEAN' }, { type: 'STRING' }, { type: 'COMBO', options: ['a', 'b'] }, { type: 'IMAGE' }];
  const values = fc.oneof(fc.anything(), fc.integer(), fc.double(), fc.constantFrom(-0, 0, 1, 100, 101, 0.5, 1.5, NaN, Infinity, 'a', '3', true, 'true', { toString: null }, Object.create(null)));
  fc.assert(fc.property(fc.constantFrom(...specs), values, (spec, value) => {
    const result = coerceLiteral(spec, value);
    const unchanged = result.ok && Object.is(result.value, value);
    if (fitsAsIs(spec, value)) assert.ok(unchanged, `fitsAsIs took ${inspect(value)} for ${spec.type}, coerceLiteral gave ${inspect(result)}`);
    else if (spec.type !== 'COMBO') assert.ok(!unchanged, `${inspect(value)} for ${spec.type} fits as it is but fitsAsIs refused it`);
  }), { numRuns: 2000 });
});
