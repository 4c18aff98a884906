/**
 * Arithmetic: `core.int_math` (exact, via BigInt; divide and modulo floor like Python),
 * `core.float_math`, and `core.compare`. Results that are not representable (division by zero,
 * overflow past the safe integer range, NaN) are invalid_input errors, never silent NaN/Infinity.
 */
import { SwitchyardError, defineNode } from '../../engine/nodes/index.js';
import { MAX_SAFE } from './primitives.js';

export const MATH_OPERATIONS = ['add', 'subtract', 'multiply', 'divide', 'min', 'max', 'pow', 'modulo'] as const;
export type MathOperation = (typeof MATH_OPERATIONS)[number];
export const COMPARISONS = ['==', '!=', '<', '<=', '>', '>='] as const;
export type Comparison = (typeof COMPARISONS)[number];

function mathError(message: string, details: Record<string, unknown>): SwitchyardError {
  return new SwitchyardError('invalid_input', message, details);
}

/** Floor division and modulo of BigInts (the remainder takes the divisor's sign). */
function floorDivide(a: bigint, b: bigint): bigint {
  const quotient = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? quotient - 1n : quotient;
}

export function intMath(a: number, b: number, operation: MathOperation): number {
  for (const [name, value] of [['a', a], ['b', b]] as const) {
    if (!Number.isSafeInteger(value)) throw mathError(`${name} must be an integer within ±${MAX_SAFE}, got ${String(value)}`, { input: name, value });
  }
  const x = BigInt(a);
  const y = BigInt(b);
  if ((operation === 'divide' || operation === 'modulo') && y === 0n) {
    throw mathError(`cannot ${operation === 'divide' ? 'divide' : 'take the modulo of'} ${a} by zero`, { operation, a, b });
  }
  let result: bigint;
  switch (operation) {
    case 'add': result = x + y; break;
    case 'subtract': result = x - y; break;
    case 'multiply': result = x * y; break;
    case 'divide': result = floorDivide(x, y); break;
    case 'modulo': result = x - floorDivide(x, y) * y; break;
    case 'min': result = x < y ? x : y; break;
    case 'max': result = x > y ? x : y; break;
    case 'pow':
      if (y < 0n) throw mathError(`integer pow needs an exponent ≥ 0, got ${b} (use core.float_math for fractions)`, { operation, a, b });
      // |a| ≥ 2 with an exponent past 53 overflows anyway; refuse before computing a huge BigInt.
      if ((x > 1n || x < -1n) && y > 53n) throw mathError(`${a} to the power ${b} is outside the integer range ±${MAX_SAFE}`, { operation, a, b });
      result = x ** y;
      break;
    default:
      throw mathError(`unknown operation ${JSON.stringify(operation)}; expected one of ${MATH_OPERATIONS.join(', ')}`, { operation });
  }
  if (result > BigInt(MAX_SAFE) || result < -BigInt(MAX_SAFE)) {
    throw mathError(`${a} ${operation} ${b} = ${result} is outside the integer range ±${MAX_SAFE}`, { operation, a, b });
  }
  return Number(result);
}

export function floatMath(a: number, b: number, operation: MathOperation): number {
  if ((operation === 'divide' || operation === 'modulo') && b === 0) {
    throw mathError(`cannot ${operation === 'divide' ? 'divide' : 'take the modulo of'} ${a} by zero`, { operation, a, b });
  }
  let result: number;
  switch (operation) {
    case 'add': result = a + b; break;
    case 'subtract': result = a - b; break;
    case 'multiply': result = a * b; break;
    case 'divide': result = a / b; break;
    case 'modulo': result = a - Math.floor(a / b) * b; break;
    case 'min': result = Math.min(a, b); break;
    case 'max': result = Math.max(a, b); break;
    case 'pow': result = a ** b; break;
    default:
      throw mathError(`unknown operation ${JSON.stringify(operation)}; expected one of ${MATH_OPERATIONS.join(', ')}`, { operation });
  }
  if (!Number.isFinite(result)) throw mathError(`${a} ${operation} ${b} has no finite result`, { operation, a, b });
  return result;
}

export function compare(a: number, b: number, operation: Comparison): boolean {
  switch (operation) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    default:
      throw mathError(`unknown comparison ${JSON.stringify(operation)}; expected one of ${COMPARISONS.join(' ')}`, { operation });
  }
}

/**
 * Validation of literal math inputs, before anything runs. With only `b` and the operation
 * literal, the problems that do not depend on `a` (division by zero; for integers, a negative
 * exponent); with all three literal, whatever the operation itself would refuse.
 */
function literalMathProblem(inputs: Partial<Record<'a' | 'b' | 'operation', unknown>>, integer: boolean): string | undefined {
  const { a, b, operation } = inputs;
  if (typeof operation !== 'string' || typeof b !== 'number') return undefined;
  if ((operation === 'divide' || operation === 'modulo') && b === 0) {
    return `input "b": is 0, and ${operation === 'divide' ? 'dividing' : 'taking the modulo'} by zero has no result`;
  }
  if (integer && operation === 'pow' && b < 0) return `input "b": integer pow needs an exponent ≥ 0, got ${b} (use core.float_math for fractions)`;
  if (typeof a !== 'number') return undefined;
  try {
    if (integer) intMath(a, b, operation as MathOperation);
    else floatMath(a, b, operation as MathOperation);
    return undefined;
  } catch (error) {
    if (error instanceof SwitchyardError) return error.message;
    throw error;
  }
}

export const intMathNode = defineNode({
  type: 'core.int_math',
  title: 'Int Math',
  category: 'utils/math',
  description: 'Integer arithmetic; divide and modulo round toward minus infinity (like Python).',
  inputs: {
    a: { type: 'INT', default: 0, min: -MAX_SAFE, max: MAX_SAFE },
    b: { type: 'INT', default: 0, min: -MAX_SAFE, max: MAX_SAFE },
    operation: { type: 'COMBO', options: MATH_OPERATIONS, default: 'add' },
  },
  outputs: { INT: { type: 'INT' } },
  validate: (inputs) => literalMathProblem(inputs, true),
  run: (inputs) => ({ INT: intMath(inputs.a, inputs.b, inputs.operation) }),
});

export const floatMathNode = defineNode({
  type: 'core.float_math',
  title: 'Float Math',
  category: 'utils/math',
  description: 'Number arithmetic; modulo takes the sign of b (like Python).',
  inputs: {
    a: { type: 'FLOAT', default: 0 },
    b: { type: 'FLOAT', default: 0 },
    operation: { type: 'COMBO', options: MATH_OPERATIONS, default: 'add' },
  },
  outputs: { FLOAT: { type: 'FLOAT' } },
  validate: (inputs) => literalMathProblem(inputs, false),
  run: (inputs) => ({ FLOAT: floatMath(inputs.a, inputs.b, inputs.operation) }),
});

export const compareNode = defineNode({
  type: 'core.compare',
  title: 'Compare',
  category: 'utils/math',
  description: 'Compares two numbers.',
  inputs: {
    a: { type: 'FLOAT', default: 0 },
    b: { type: 'FLOAT', default: 0 },
    operation: { type: 'COMBO', options: COMPARISONS, default: '==' },
  },
  outputs: { BOOLEAN: { type: 'BOOLEAN' } },
  run: (inputs) => ({ BOOLEAN: compare(inputs.a, inputs.b, inputs.operation) }),
});
