/** core math: exact integer arithmetic with Python-style floor division, float math, comparisons, and clear errors. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SwitchyardError } from '../../../engine/nodes/index.js';
import { compareNode, floatMathNode, intMath, intMathNode } from '../../../nodes/core/math.js';
import { createTestContext } from '../../helpers/node-context.js';

const ctxPromise = createTestContext();
test.after(async () => (await ctxPromise).dispose());

function invalidInput(pattern: RegExp) {
  return (error: unknown) => error instanceof SwitchyardError && error.code === 'invalid_input' && pattern.test(error.message);
}

test('int math computes each operation; divide and modulo floor like Python', async () => {
  const ctx = await ctxPromise;
  const cases: Array<[number, number, Parameters<typeof intMath>[2], number]> = [
    [7, 3, 'add', 10], [7, 3, 'subtract', 4], [7, 3, 'multiply', 21], [7, 2, 'divide', 3], [-7, 2, 'divide', -4],
    [7, -2, 'modulo', -1], [-7, 2, 'modulo', 1], [7, 3, 'min', 3], [7, 3, 'max', 7], [2, 10, 'pow', 1024], [-3, 3, 'pow', -27],
  ];
  for (const [a, b, operation, expected] of cases) {
    assert.deepEqual(await intMathNode.run({ a, b, operation }, ctx), { INT: expected }, `${a} ${operation} ${b}`);
  }
  // Exact near the top of the safe range, where float arithmetic would round.
  assert.equal(intMath(Number.MAX_SAFE_INTEGER, 3, 'divide'), 3002399751580330);
});

test('floor division and modulo agree: a = b·(a div b) + (a mod b)', () => {
  fc.assert(fc.property(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: -1e6, max: 1e6 }).filter((b) => b !== 0), (a, b) => {
    const quotient = intMath(a, b, 'divide');
    const remainder = intMath(a, b, 'modulo');
    return a === b * quotient + remainder && Math.abs(remainder) < Math.abs(b) && (remainder === 0 || Math.sign(remainder) === Math.sign(b));
  }));
});

test('division or modulo by zero, negative int exponents and overflow are invalid_input errors', async () => {
  const ctx = await ctxPromise;
  await assert.rejects(async () => intMathNode.run({ a: 5, b: 0, operation: 'divide' }, ctx), invalidInput(/cannot divide 5 by zero/));
  await assert.rejects(async () => intMathNode.run({ a: 5, b: 0, operation: 'modulo' }, ctx), invalidInput(/by zero/));
  await assert.rejects(async () => floatMathNode.run({ a: 1.5, b: 0, operation: 'divide' }, ctx), invalidInput(/cannot divide 1.5 by zero/));
  await assert.rejects(async () => intMathNode.run({ a: 2, b: -1, operation: 'pow' }, ctx), invalidInput(/exponent/));
  await assert.rejects(async () => intMathNode.run({ a: 2, b: 1e15, operation: 'pow' }, ctx), invalidInput(/outside the integer range/));
  await assert.rejects(async () => intMathNode.run({ a: Number.MAX_SAFE_INTEGER, b: 1, operation: 'add' }, ctx), invalidInput(/outside the integer range/));
  await assert.rejects(async () => intMathNode.run({ a: 1.5, b: 1, operation: 'add' }, ctx), invalidInput(/a must be an integer/));
  await assert.rejects(async () => floatMathNode.run({ a: -8, b: 1 / 3, operation: 'pow' }, ctx), invalidInput(/no finite result/));
  await assert.rejects(async () => floatMathNode.run({ a: 1e308, b: 10, operation: 'multiply' }, ctx), invalidInput(/no finite result/));
});

test('float math and compare', async () => {
  const ctx = await ctxPromise;
  assert.deepEqual(await floatMathNode.run({ a: 1.5, b: 0.25, operation: 'divide' }, ctx), { FLOAT: 6 });
  assert.deepEqual(await floatMathNode.run({ a: -5.5, b: 2, operation: 'modulo' }, ctx), { FLOAT: 0.5 });
  assert.deepEqual(await floatMathNode.run({ a: 2, b: 0.5, operation: 'pow' }, ctx), { FLOAT: Math.SQRT2 });
  const expectations: Array<[string, boolean]> = [['==', false], ['!=', true], ['<', true], ['<=', true], ['>', false], ['>=', false]];
  for (const [operation, expected] of expectations) {
    assert.deepEqual(await compareNode.run({ a: 1, b: 2, operation: operation as '==' }, ctx), { BOOLEAN: expected }, operation);
  }
  assert.deepEqual(compareNode.outputNames, ['BOOLEAN']);
});
