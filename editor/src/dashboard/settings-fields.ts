/**
 * Settings form fields from the settings' JSON Schema (inlined in the page by the server):
 * which control a setting gets — a select for an enum, a number box with the schema's range
 * for a number, a comma-separated text box for a list — and the checks the schema states,
 * run before anything is sent, with messages that say what is allowed. What the schema
 * cannot state (a provider this machine lacks, a name given twice) the server answers with
 * a 400 that the page shows at the same field.
 */
import type { JsonSchema, SettingValue } from './wire.js';

export type FieldKind =
  | { kind: 'enum'; options: string[]; nullable: boolean }
  | { kind: 'number'; integer: boolean; min?: number; max?: number; exclusiveMin?: number; nullable: boolean }
  | { kind: 'list'; pattern?: string; minItems?: number; maxItems?: number; nullable: boolean }
  | { kind: 'text'; nullable: boolean };

export interface FieldSpec {
  key: string;
  description: string;
  field: FieldKind;
}

/** The schema without its `null` alternative, and whether null is allowed. */
function unwrapNullable(schema: JsonSchema): { inner: JsonSchema; nullable: boolean } {
  if (!schema.anyOf) return { inner: schema, nullable: schema.type === 'null' };
  const others = schema.anyOf.filter((s) => s.type !== 'null');
  return { inner: others.length === 1 ? { ...others[0], description: schema.description } : schema, nullable: others.length < schema.anyOf.length };
}

export function fieldKind(schema: JsonSchema): FieldKind {
  const { inner, nullable } = unwrapNullable(schema);
  if (inner.enum) return { kind: 'enum', options: inner.enum.map(String), nullable };
  if (inner.type === 'integer' || inner.type === 'number') {
    return { kind: 'number', integer: inner.type === 'integer', min: inner.minimum, max: inner.maximum, exclusiveMin: inner.exclusiveMinimum, nullable };
  }
  if (inner.type === 'array') return { kind: 'list', pattern: inner.items?.pattern, minItems: inner.minItems, maxItems: inner.maxItems, nullable };
  return { kind: 'text', nullable };
}

export function fieldSpecs(schema: JsonSchema): FieldSpec[] {
  return Object.entries(schema.properties ?? {}).map(([key, property]) => ({ key, description: property.description ?? '', field: fieldKind(property) }));
}

/** How a value shows in its control. */
export function toInputText(value: SettingValue | undefined): string {
  if (value === null || value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

export type Parsed = { ok: true; value: SettingValue } | { ok: false; error: string };

const BIG = 1e6;
const number = (n: number) => (Math.abs(n) >= BIG ? n.toExponential(2).replace('e+', 'e') : n.toLocaleString('en'));

function parseNumber(text: string, field: Extract<FieldKind, { kind: 'number' }>): Parsed {
  const value = Number(text);
  if (!Number.isFinite(value)) return { ok: false, error: 'Enter a number.' };
  if (field.integer && !Number.isInteger(value)) return { ok: false, error: 'Enter a whole number.' };
  if (field.min !== undefined && value < field.min) return { ok: false, error: `Enter ${number(field.min)} or more.` };
  if (field.exclusiveMin !== undefined && value <= field.exclusiveMin) return { ok: false, error: `Enter more than ${number(field.exclusiveMin)}.` };
  if (field.max !== undefined && value > field.max) return { ok: false, error: `Enter ${number(field.max)} or less.` };
  return { ok: true, value };
}

function parseList(text: string, field: Extract<FieldKind, { kind: 'list' }>): Parsed {
  const items = text.split(/[\s,]+/).filter((item) => item.length > 0);
  if (field.minItems !== undefined && items.length < field.minItems) return { ok: false, error: `Enter at least ${field.minItems} value${field.minItems === 1 ? '' : 's'}, separated by commas.` };
  if (field.maxItems !== undefined && items.length > field.maxItems) return { ok: false, error: `Enter at most ${field.maxItems} values.` };
  if (field.pattern) {
    const pattern = new RegExp(field.pattern);
    const bad = items.find((item) => !pattern.test(item));
    if (bad !== undefined) return { ok: false, error: `"${bad}" is not a valid name here: use lower-case letters, digits, "_" or "-" (like cpu or cuda).` };
  }
  return { ok: true, value: items };
}

/** The value a control's text stands for, or why it cannot be sent. Empty means null where null is allowed. */
export function parseField(text: string, field: FieldKind): Parsed {
  const trimmed = text.trim();
  if (trimmed === '') return field.nullable ? { ok: true, value: null } : { ok: false, error: 'A value is required.' };
  switch (field.kind) {
    case 'enum':
      return field.options.includes(trimmed) ? { ok: true, value: trimmed } : { ok: false, error: `Choose one of: ${field.options.join(', ')}.` };
    case 'number':
      return parseNumber(trimmed, field);
    case 'list':
      return parseList(trimmed, field);
    default:
      return { ok: true, value: trimmed };
  }
}

export function sameValue(a: SettingValue | undefined, b: SettingValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * The field each of a 400's problems is about: `invalid_input` lists "body.<key>…: message";
 * `provider_unavailable` is about the execution providers. Problems naming no known field are
 * kept under "" (shown above the form).
 */
export function problemsByField(code: string, message: string, details: Record<string, unknown>, keys: readonly string[]): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  const add = (key: string, text: string) => byField.set(key, [...(byField.get(key) ?? []), text]);
  if (code === 'provider_unavailable' && keys.includes('executionProviders')) {
    add('executionProviders', message);
    return byField;
  }
  const problems = Array.isArray(details.problems) ? details.problems.filter((p): p is string => typeof p === 'string') : [];
  if (problems.length === 0) add('', message);
  for (const problem of problems) {
    const match = /^body\.([A-Za-z0-9_]+)[^:]*:\s*(.*)$/.exec(problem);
    if (match && keys.includes(match[1]!)) add(match[1]!, match[2]!);
    else add('', problem);
  }
  return byField;
}
