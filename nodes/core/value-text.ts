/**
 * How the core pack writes any value as text (format placeholders, to_string, show_text):
 * strings as they are, numbers and booleans as JavaScript prints them, images and masks as a
 * short description, other data as JSON.
 */

function describeKind(value: { kind: string; width?: unknown; height?: unknown; count?: unknown }): string {
  if ((value.kind === 'image' || value.kind === 'mask') && typeof value.width === 'number') {
    return `${value.kind.toUpperCase()} ${value.width}x${String(value.height)}, batch of ${String(value.count)}`;
  }
  return `${value.kind.toUpperCase()} value`;
}

export function valueToText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && typeof (value as { kind?: unknown }).kind === 'string') return describeKind(value as { kind: string });
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength} bytes)`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Circular structures cannot be JSON; say what it is instead.
    return Object.prototype.toString.call(value);
  }
}
