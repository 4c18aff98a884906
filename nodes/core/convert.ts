/**
 * Conversions between text and numbers: `core.to_number` parses decimal text strictly (no
 * silent NaN) into FLOAT and INT (truncated toward zero); `core.to_string` writes any value.
 */
import { SwitchyardError, defineNode } from '../../engine/nodes/index.js';
import { valueToText } from './value-text.js';

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseNumber(text: string): number {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) {
    throw new SwitchyardError('invalid_input', `${JSON.stringify(text.length > 60 ? text.slice(0, 60) + '…' : text)} is not a number`, { input: 'text' });
  }
  const value = Number(trimmed);
  if (!Number.isFinite(value)) throw new SwitchyardError('invalid_input', `${JSON.stringify(trimmed)} is too large for a number`, { input: 'text' });
  return value;
}

/** The FLOAT and INT (truncated toward zero) a decimal text stands for; invalid_input otherwise. */
export function textToNumbers(text: string): { FLOAT: number; INT: number } {
  const value = parseNumber(text);
  const integer = Math.trunc(value) + 0;
  if (!Number.isSafeInteger(integer)) {
    throw new SwitchyardError('invalid_input', `${text.trim()} is outside the integer range ±${Number.MAX_SAFE_INTEGER}`, { input: 'text' });
  }
  return { FLOAT: value, INT: integer };
}

export const toNumberNode = defineNode({
  type: 'core.to_number',
  title: 'Text to Number',
  category: 'utils/string',
  description: 'Parses decimal text ("42", "-1.5e3") into FLOAT and INT (truncated toward zero).',
  inputs: { text: { type: 'STRING', default: '0' } },
  outputs: { FLOAT: { type: 'FLOAT' }, INT: { type: 'INT' } },
  // A literal text that is not a number is reported before anything runs.
  validate(inputs) {
    if (typeof inputs.text !== 'string') return undefined;
    try {
      textToNumbers(inputs.text);
      return undefined;
    } catch (error) {
      if (error instanceof SwitchyardError) return `input "text": ${error.message}`;
      throw error;
    }
  },
  run: (inputs) => textToNumbers(inputs.text),
});

export const toStringNode = defineNode({
  type: 'core.to_string',
  title: 'To Text',
  category: 'utils/string',
  description: 'Writes any value as text (images and masks as a short description, data as JSON).',
  inputs: { value: { type: '*' } },
  outputs: { STRING: { type: 'STRING' } },
  run: (inputs) => ({ STRING: valueToText(inputs.value) }),
});
