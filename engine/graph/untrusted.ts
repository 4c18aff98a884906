/**
 * Small helpers for reading untrusted workflow data: shape checks that never throw, own-property
 * writes that keep ids like `__proto__` as plain keys (no prototype change, no pollution),
 * non-recursive descriptions of what was found, and zod issues as readable messages.
 */
import type { z } from 'zod';

export type PlainObject = Record<string, unknown>;

/** A JSON-like object: a plain `{}` (or null-prototype) object — not an array, Date, Map, buffer or class instance. */
export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Own property read that ignores inherited members (`constructor`, `toString`, …). */
export function ownValue(object: PlainObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

/**
 * Writes `key` as an own, enumerable data property. Plain assignment of `__proto__` would
 * replace the object's prototype instead, so that one key goes through defineProperty; every
 * other key is a plain assignment (Object.prototype's other members are writable data
 * properties, so assignment shadows them), which keeps large objects in V8's fast mode.
 */
export function setOwn(target: PlainObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}

/** True for an array shaped like a link `[nodeId, outputIndex]` (string or integer id). */
export function isLinkShaped(value: unknown): value is [string | number, number] {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const id: unknown = value[0];
  const index: unknown = value[1];
  const idOk = (typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0);
  return idOk && typeof index === 'number' && Number.isSafeInteger(index) && index >= 0;
}

/**
 * A literal as the API format must hold it: an array that would read as a link is wrapped
 * `{"__value__": [...]}` (ComfyUI's convention); everything else is written as is.
 */
export function literalValue(value: unknown): unknown {
  return isLinkShaped(value) ? { __value__: value } : value;
}

/** What a value is, for messages; never recurses (safe on huge or deeply nested values). */
export function describeFound(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  switch (typeof value) {
    case 'string': return value.length > 40 ? `a string (${JSON.stringify(value.slice(0, 40))}…)` : `the string ${JSON.stringify(value)}`;
    case 'number': case 'boolean': case 'bigint': return `${typeof value} ${String(value)}`;
    case 'object': {
      if (!isPlainObject(value)) return 'a non-JSON object';
      const keys = Object.keys(value);
      if (keys.length === 0) return 'an empty object';
      const shown = keys.slice(0, 6).map((key) => JSON.stringify(key)).join(', ');
      return `an object with keys ${shown}${keys.length > 6 ? `, … (${keys.length} in all)` : ''}`;
    }
    default: return `a ${typeof value}`;
  }
}

/** `nodes[3].inputs[0].name` from a zod issue path. */
export function formatPath(path: readonly PropertyKey[], root = ''): string {
  let text = root;
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text.length === 0 ? String(part) : `.${String(part)}`;
  }
  return text.length === 0 ? '(top level)' : text;
}

/** One line per zod issue, path first; capped so a wholly wrong file gives a readable answer. */
export function zodMessages(error: z.ZodError, root = '', limit = 20): string[] {
  const lines = error.issues.slice(0, limit).map((item) => `${formatPath(item.path, root)}: ${item.message}`);
  if (error.issues.length > limit) lines.push(`… and ${error.issues.length - limit} more problems`);
  return lines;
}

/** The message of anything thrown. */
export function thrownText(error: unknown): string {
  if (error instanceof Error) return error.message;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}
