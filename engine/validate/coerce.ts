/**
 * Literal checking and coercion per input spec: the one place that decides whether a value a
 * user typed (in a workflow, a CLI `--set`, or a query string) fits an input. Numeric strings
 * become numbers for INT/FLOAT and "true"/"false" become booleans, because command lines and
 * query strings only carry text; everything else must already be of the exact kind.
 * Shared by workflow validation, the CLI and the server's parameter overrides.
 */
import type { ComboInputSpec, InputSpec } from '../nodes/define.js';
import type { OptionsContext } from '../nodes/context.js';
import { formatDeadline, hookTimeoutMs, settleWithin } from '../nodes/hook-deadline.js';
import { formatValue, quotedList, receivedDetails, thrownMessage } from './format.js';

export type LiteralIssueCode = 'invalid_input_type' | 'value_smaller_than_min' | 'value_bigger_than_max' | 'value_not_in_list';

/** A problem with one literal; `message` is relative to the input (callers add where it is). */
export interface LiteralIssue {
  code: LiteralIssueCode;
  message: string;
  details: Record<string, unknown>;
}

export type CoerceResult = { ok: true; value: unknown } | { ok: false; issue: LiteralIssue };

export interface CoerceOptions {
  /** The options of a combo whose options are computed (see `resolveComboOptions`). */
  comboOptions?: readonly string[];
}

export type ComboOptionsResult = { ok: true; options: readonly string[] } | { ok: false; message: string };

const NUMERIC_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Checks `value` against a widget spec and returns it coerced (numeric strings → numbers,
 * "true"/"false" → booleans), or the problem. A literal on a link-only type (IMAGE, …) is
 * refused. Combo membership is checked against fixed options, or `options.comboOptions` for
 * computed ones; without them a computed combo only needs a string (use `checkLiteral`).
 */
export function coerceLiteral(spec: InputSpec, value: unknown, options?: CoerceOptions): CoerceResult {
  switch (spec.type) {
    case 'INT':
    case 'FLOAT':
      return coerceNumber(spec as { type: 'INT' | 'FLOAT'; min?: number; max?: number }, value);
    case 'BOOLEAN':
      return coerceBoolean(value);
    case 'STRING':
      return typeof value === 'string' ? { ok: true, value } : wrongKind('a string', 'STRING', value);
    case 'COMBO':
      return coerceCombo(spec as ComboInputSpec, value, options?.comboOptions);
    default:
      return refuseLiteralOnLink(spec.type, value);
  }
}

/**
 * The options of a combo: the fixed list, or the result of its options function called with
 * `ctx`. A function that throws, rejects or returns something other than a list is reported.
 */
export async function resolveComboOptions(spec: ComboInputSpec, ctx: OptionsContext, timeoutMs?: number): Promise<ComboOptionsResult> {
  try {
    let raw: unknown = spec.options;
    if (typeof spec.options === 'function') {
      const deadline = hookTimeoutMs(timeoutMs);
      const listed = await settleWithin(Promise.resolve(spec.options(ctx)), deadline);
      if (!listed.settled) return { ok: false, message: `listing the options did not finish within ${formatDeadline(deadline)}` };
      raw = listed.value;
    }
    if (!Array.isArray(raw)) return { ok: false, message: `the options function returned ${formatValue(raw)} instead of a list` };
    return { ok: true, options: raw.filter((option): option is string => typeof option === 'string') };
  } catch (error) {
    return { ok: false, message: `listing the options failed: ${thrownMessage(error)}` };
  }
}

/** `coerceLiteral` with computed combo options resolved first (for the CLI and server overrides). */
export async function checkLiteral(spec: InputSpec, value: unknown, ctx: OptionsContext, timeoutMs?: number): Promise<CoerceResult> {
  if (spec.type !== 'COMBO' || typeof (spec as ComboInputSpec).options !== 'function' || (spec as ComboInputSpec).allowCustom) {
    return coerceLiteral(spec, value);
  }
  const listed = await resolveComboOptions(spec as ComboInputSpec, ctx, timeoutMs);
  return listed.ok ? coerceLiteral(spec, value, { comboOptions: listed.options }) : comboOptionsFailed(spec, value, listed.message);
}

/**
 * The result for a combo whose options could not be listed: the value's own kind problem if it
 * has one, otherwise value_not_in_list carrying why the options are unknown.
 */
export function comboOptionsFailed(spec: InputSpec, value: unknown, reason: string): CoerceResult {
  const kind = coerceLiteral(spec, value);
  if (!kind.ok) return kind;
  return {
    ok: false,
    issue: { code: 'value_not_in_list', message: `cannot check ${formatValue(value)} against the options: ${reason}`, details: { ...receivedDetails(value), reason } },
  };
}

/**
 * True when `coerceLiteral(spec, value)` would accept `value` exactly as it is (no coercion, no
 * problem): what most literals of a checked workflow are. Lets validation skip the result
 * object for them; anything else goes through `coerceLiteral`.
 */
export function fitsAsIs(spec: InputSpec, value: unknown): boolean {
  switch (spec.type) {
    case 'INT':
    case 'FLOAT': {
      if (typeof value !== 'number' || Object.is(value, -0)) return false;
      if (spec.type === 'INT' ? !Number.isSafeInteger(value) : !Number.isFinite(value)) return false;
      const { min, max } = spec as { min?: number; max?: number };
      return !(typeof min === 'number' && value < min) && !(typeof max === 'number' && value > max);
    }
    case 'BOOLEAN':
      return typeof value === 'boolean';
    case 'STRING':
      return typeof value === 'string';
    default:
      return false;
  }
}

function coerceNumber(spec: { type: 'INT' | 'FLOAT'; min?: number; max?: number }, value: unknown): CoerceResult {
  const isInt = spec.type === 'INT';
  let number: number | undefined;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'string' && NUMERIC_TEXT.test(value.trim())) number = Number(value.trim());
  const fits = number !== undefined && (isInt ? Number.isSafeInteger(number) : Number.isFinite(number));
  if (!fits || number === undefined) {
    return wrongKind(isInt ? 'an integer' : 'a finite number', spec.type, value);
  }
  if (Object.is(number, -0)) number = 0;
  if (typeof spec.min === 'number' && number < spec.min) {
    return {
      ok: false,
      issue: { code: 'value_smaller_than_min', message: `${number} is smaller than the minimum ${spec.min}`, details: { ...receivedDetails(value), min: spec.min } },
    };
  }
  if (typeof spec.max === 'number' && number > spec.max) {
    return {
      ok: false,
      issue: { code: 'value_bigger_than_max', message: `${number} is bigger than the maximum ${spec.max}`, details: { ...receivedDetails(value), max: spec.max } },
    };
  }
  return { ok: true, value: number };
}

function coerceBoolean(value: unknown): CoerceResult {
  if (typeof value === 'boolean') return { ok: true, value };
  if (typeof value === 'string') {
    const text = value.trim().toLowerCase();
    if (text === 'true') return { ok: true, value: true };
    if (text === 'false') return { ok: true, value: false };
  }
  return wrongKind('a boolean (true or false)', 'BOOLEAN', value);
}

function coerceCombo(spec: ComboInputSpec, value: unknown, computed: readonly string[] | undefined): CoerceResult {
  if (typeof value !== 'string') return wrongKind('one of the listed options (a string)', 'COMBO', value);
  if (spec.allowCustom) return { ok: true, value };
  const options = Array.isArray(spec.options) ? (spec.options as readonly string[]) : computed;
  if (options === undefined || options.includes(value)) return { ok: true, value };
  const message = options.length === 0
    ? `${formatValue(value)} is not available: there are no options to choose from`
    : `${formatValue(value)} is not one of the options: ${quotedList(options)}`;
  return { ok: false, issue: { code: 'value_not_in_list', message, details: { ...receivedDetails(value), options: options.slice(0, 100), optionCount: options.length } } };
}

function refuseLiteralOnLink(type: string, value: unknown): CoerceResult {
  return {
    ok: false,
    issue: {
      code: 'invalid_input_type',
      message: `takes a link ([nodeId, outputIndex]) from an output of type ${type}, not a literal value; got ${formatValue(value)}${linkHint(value)}`,
      details: { ...receivedDetails(value), expectedType: type, linkOnly: true },
    },
  };
}

function wrongKind(expected: string, type: string, value: unknown): CoerceResult {
  return {
    ok: false,
    issue: { code: 'invalid_input_type', message: `expected ${expected}, got ${formatValue(value)}${linkHint(value)}`, details: { ...receivedDetails(value), expectedType: type } },
  };
}

/** `[5, 0]` is almost certainly a link whose node id was written as a number. */
function linkHint(value: unknown): string {
  if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && Number.isInteger(value[1])) {
    return ` (a link names its source node id as a string: ["${String(value[0])}", ${String(value[1])}])`;
  }
  return '';
}

