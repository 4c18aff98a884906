/**
 * Positional widget values of a node saved under an alias (a ComfyUI class name), read and
 * written by the layout the server publishes (`alias_details[].widgets_values`): each position
 * an input's value, the "control after generate" mode after a seed, or a value the node type
 * ignores. Reading is as tolerant as the server's reader (a missing control value is skipped
 * over); writing keeps ignored and trailing values exactly as they were loaded.
 */
import type { AliasWidgetValue } from '../wire.js';

const CONTROL_VALUES: ReadonlySet<unknown> = new Set(['fixed', 'increment', 'decrement', 'randomize']);

export interface AliasValues {
  /** By our input name. */
  inputs: Map<string, unknown>;
  /** Control modes by our input name (early ComfyUI files wrote a "randomize" boolean). */
  controls: Map<string, string>;
  /** The values of ignored positions, in order. */
  ignored: unknown[];
  /** Values past the layout's end (a newer version of the node may write more). */
  rest: unknown[];
}

/**
 * The value at a control position is a control mode, or in early files a boolean — unless the
 * next widget is itself a BOOLEAN, whose value it then is.
 */
function isControlValue(value: unknown, nextType: string | undefined): boolean {
  return CONTROL_VALUES.has(value) || (typeof value === 'boolean' && nextType !== 'BOOLEAN');
}

/** Reads `values` by `layout`; `typeOf` answers an input's type (by our input name). */
export function readAliasValues(layout: readonly AliasWidgetValue[], values: readonly unknown[], typeOf: (input: string) => string | undefined): AliasValues {
  const read: AliasValues = { inputs: new Map(), controls: new Map(), ignored: [], rest: [] };
  let position = 0;
  for (const [index, slot] of layout.entries()) {
    if (position >= values.length) break;
    const value = values[position];
    if (slot.kind === 'control') {
      const next = layout[index + 1];
      if (!isControlValue(value, next?.kind === 'input' ? typeOf(next.input) : undefined)) continue;
      read.controls.set(slot.input, typeof value === 'boolean' ? (value ? 'randomize' : 'fixed') : String(value));
    } else if (slot.kind === 'input') read.inputs.set(slot.input, value);
    else read.ignored.push(value);
    position++;
  }
  read.rest = values.slice(position);
  return read;
}

/** The positional values to save: the node's current ones, with ignored and trailing ones as loaded. */
export function writeAliasValues(layout: readonly AliasWidgetValue[], current: (slot: Exclude<AliasWidgetValue, { kind: 'ignored' }>) => unknown, loaded?: AliasValues): unknown[] {
  let ignored = 0;
  const values = layout.map((slot) => (slot.kind === 'ignored' ? (loaded?.ignored[ignored++] ?? null) : current(slot)));
  return [...values, ...(loaded?.rest ?? [])];
}
