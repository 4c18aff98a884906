/**
 * Safe text for validation messages: describes any value (bigint, symbol, function, cyclic or
 * hostile objects included) without throwing, and keeps only JSON-safe values for `details`, so
 * a message or an HTTP error body can always be produced from whatever a client sent.
 */

const MAX_STRING = 60;

/** A short human description of a received value, e.g. `the string "abc"`, `-3`, `an array`. */
export function formatValue(value: unknown): string {
  try {
    switch (typeof value) {
      case 'string':
        return `the string ${JSON.stringify(value.length > MAX_STRING ? value.slice(0, MAX_STRING) + '…' : value)}`;
      case 'number':
        return Object.is(value, -0) ? '0' : String(value);
      case 'boolean':
        return String(value);
      case 'undefined':
        return 'nothing';
      case 'bigint':
        return `the bigint ${value.toString()}`;
      case 'symbol':
        return 'a symbol';
      case 'function':
        return 'a function';
    }
    if (value === null) return 'null';
    if (Array.isArray(value)) return value.length === 0 ? 'an empty array' : `an array of ${value.length}`;
    if (ArrayBuffer.isView(value)) return 'a typed array';
    const kind = (value as { kind?: unknown }).kind;
    return typeof kind === 'string' ? `a ${kind.slice(0, MAX_STRING)} value` : 'an object';
  } catch {
    // A proxy or getter that throws while being looked at.
    return 'an unreadable value';
  }
}

/** The value itself when it survives JSON unchanged and is small; otherwise undefined. */
export function jsonSafeValue(value: unknown): string | number | boolean | null | undefined {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') return value.length > 1000 ? value.slice(0, 1000) + '…' : value;
  return undefined;
}

/** Details describing a received value: `received` (text) and `receivedValue` when JSON-safe. */
export function receivedDetails(value: unknown): Record<string, unknown> {
  const details: Record<string, unknown> = { received: formatValue(value) };
  const safe = jsonSafeValue(value);
  if (safe !== undefined) details.receivedValue = safe;
  return details;
}

/** The message of anything thrown, without throwing again. */
export function thrownMessage(error: unknown): string {
  try {
    if (error instanceof Error) return error.message || error.name;
    if (typeof error === 'string') return error;
    return formatValue(error);
  } catch {
    return 'an unreadable error';
  }
}

/** A quoted list, shortened after `limit` entries: `"a", "b" … and 12 more`. */
export function quotedList(items: readonly string[], limit = 10): string {
  const shown = items.slice(0, limit).map((item) => JSON.stringify(item)).join(', ');
  return items.length > limit ? `${shown} … and ${items.length - limit} more` : shown;
}

/** Shortens text that goes into a message (ids and type names come from the client). */
export function clip(text: string, max = 80): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}
