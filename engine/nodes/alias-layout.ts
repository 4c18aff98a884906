/**
 * How a node type looks under one of its aliases (e.g. a ComfyUI class name) in a saved file:
 * the alias's input names, and what each position of its positional `widgets_values` holds —
 * an input's value, the hidden "control after generate" mode ComfyUI writes right after a
 * seed-like INT widget, or a value the node type ignores. The workflow reader
 * (graph/convert.ts) reads files by these rules; node descriptions publish them so the editor
 * can show and write such nodes under the alias's own name.
 */
import type { AnyNodeType, InputSpec, NodeAlias } from './define.js';
import type { AliasWidgetValue, NodeAliasDescription } from './description-schema.js';

/** INT widgets ComfyUI gives a control value by name, whatever their declaration says. */
export const COMFY_CONTROL_NAMES: ReadonlySet<string> = new Set(['seed', 'noise_seed']);

/** The alias's widget order as our input names (null: a value we ignore). */
export function aliasWidgetOrder(node: AnyNodeType, alias: NodeAlias | undefined): readonly (string | null)[] {
  const specs = node.inputs as Record<string, InputSpec>;
  // ComfyUI creates no widget (and so no value) for a socket-only input.
  return alias?.widgets ?? node.widgetNames.filter((name) => !specs[name]?.forceInput);
}

/** Our input name → the alias's name for it (unchanged when the alias does not rename it). */
export function aliasInputName(alias: NodeAlias | undefined, name: string): string {
  const renames = alias?.inputs;
  if (!renames) return name;
  for (const key of Object.keys(renames)) if (renames[key] === name) return key;
  return name;
}

/**
 * Whether ComfyUI writes a control value after this widget: a seed-like INT (declared `control`)
 * or, in ComfyUI files, an INT its name makes a seed.
 */
export function hasControlValue(node: AnyNodeType, name: string, alias: NodeAlias | undefined, comfyFile: boolean): boolean {
  const spec = (node.inputs as Record<string, InputSpec>)[name];
  if (!spec || spec.type !== 'INT') return false;
  if ((spec as { control?: boolean }).control) return true;
  return comfyFile && (COMFY_CONTROL_NAMES.has(name) || COMFY_CONTROL_NAMES.has(aliasInputName(alias, name)));
}

/** The positions of the alias's `widgets_values`, in order. */
export function aliasWidgetValues(node: AnyNodeType, alias: NodeAlias): AliasWidgetValue[] {
  const positions: AliasWidgetValue[] = [];
  for (const name of aliasWidgetOrder(node, alias)) {
    if (name === null) {
      positions.push({ kind: 'ignored' });
      continue;
    }
    positions.push({ kind: 'input', name: aliasInputName(alias, name), input: name });
    if (hasControlValue(node, name, alias, true)) positions.push({ kind: 'control', input: name });
  }
  return positions;
}

/** The published description of one alias of `node`. */
export function describeAlias(node: AnyNodeType, alias: NodeAlias): NodeAliasDescription {
  const renames: Record<string, string> = {};
  for (const [aliasName, ourName] of Object.entries(alias.inputs ?? {})) if (aliasName !== ourName) renames[aliasName] = ourName;
  return { type: alias.type, native_type: node.type, input_renames: renames, widgets_values: aliasWidgetValues(node, alias) };
}
