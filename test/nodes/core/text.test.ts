/** Text helpers: concat, replace, format templates, number parsing, to_string and show_text. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createImage, SwitchyardError } from '../../../engine/nodes/index.js';
import { concatNode, formatNode, replaceNode } from '../../../nodes/core/text.js';
import { toNumberNode, toStringNode } from '../../../nodes/core/convert.js';
import { showTextNode } from '../../../nodes/core/show-text.js';
import { createTestContext } from '../../helpers/node-context.js';

const ctxPromise = createTestContext();
test.after(async () => (await ctxPromise).dispose());

function invalidInput(pattern: RegExp) {
  return (error: unknown) => error instanceof SwitchyardError && error.code === 'invalid_input' && pattern.test(error.message);
}

test('concat joins with the delimiter; aliases StringConcatenate with its widget order', async () => {
  const ctx = await ctxPromise;
  assert.deepEqual(await concatNode.run({ string_a: 'a cat', string_b: 'a hat', delimiter: ', ' }, ctx), { STRING: 'a cat, a hat' });
  assert.deepEqual(concatNode.widgetNames, ['string_a', 'string_b', 'delimiter']);
  assert.deepEqual(concatNode.aliasList.map((alias) => alias.type), ['StringConcatenate']);
});

test('replace replaces every occurrence literally ($& and regex characters stay text); aliases StringReplace', async () => {
  const ctx = await ctxPromise;
  assert.deepEqual(await replaceNode.run({ string: 'a.b.c', find: '.', replace: '$&-' }, ctx), { STRING: 'a$&-b$&-c' });
  assert.deepEqual(replaceNode.widgetNames, ['string', 'find', 'replace']);
  assert.deepEqual(replaceNode.aliasList.map((alias) => alias.type), ['StringReplace']);
});

test('format fills placeholders from linked values of any type and keeps doubled braces literal', async () => {
  const ctx = await ctxPromise;
  const result = await formatNode.run({ template: '{a} cats, {b} ok, {{literal}}, {c}', a: 3, b: true, c: 'done' }, ctx);
  assert.equal(result.STRING, '3 cats, true ok, {literal}, done');
  const image = await formatNode.run({ template: 'got {a}', a: createImage(4, 2, 1) }, ctx);
  assert.equal(image.STRING, 'got IMAGE 4x2, batch of 1');
});

test('format names unknown placeholders, unconnected inputs and lone braces', async () => {
  const ctx = await ctxPromise;
  await assert.rejects(async () => formatNode.run({ template: 'x {name}' }, ctx), invalidInput(/\{name\} at position 2 is unknown/));
  await assert.rejects(async () => formatNode.run({ template: 'x {b}', a: 1 }, ctx), invalidInput(/input "b" is not connected/));
  await assert.rejects(async () => formatNode.run({ template: 'x { y', a: 1 }, ctx), invalidInput(/lone "\{" at position 2/));
});

test('to_number parses decimal text into FLOAT and INT (truncated toward zero)', async () => {
  const ctx = await ctxPromise;
  assert.deepEqual(await toNumberNode.run({ text: ' -2.75 ' }, ctx), { FLOAT: -2.75, INT: -2 });
  assert.deepEqual(await toNumberNode.run({ text: '1e3' }, ctx), { FLOAT: 1000, INT: 1000 });
  assert.deepEqual(await toNumberNode.run({ text: '-0.5' }, ctx), { FLOAT: -0.5, INT: 0 });
});

test('to_number refuses text that is not a number instead of producing NaN', async () => {
  const ctx = await ctxPromise;
  for (const text of ['', 'abc', '12abc', 'NaN', '0x10', '1,5']) {
    await assert.rejects(async () => toNumberNode.run({ text }, ctx), invalidInput(/is not a number/), text);
  }
  await assert.rejects(async () => toNumberNode.run({ text: '1e999' }, ctx), invalidInput(/too large/));
  await assert.rejects(async () => toNumberNode.run({ text: '1e20' }, ctx), invalidInput(/outside the integer range/));
});

test('to_string and show_text write values as text; show_text shows it in ui.text', async () => {
  const ctx = await ctxPromise;
  assert.deepEqual(await toStringNode.run({ value: 12.5 }, ctx), { STRING: '12.5' });
  assert.deepEqual(await toStringNode.run({ value: { steps: 20 } }, ctx), { STRING: '{"steps":20}' });
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  assert.deepEqual(await toStringNode.run({ value: circular }, ctx), { STRING: '[object Object]' });
  assert.deepEqual(await showTextNode.run({ value: false }, ctx), { STRING: 'false', ui: { text: ['false'] } });
  assert.equal(showTextNode.output, true);
});
