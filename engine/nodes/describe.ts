/**
 * Serialisable node descriptions: `describeNodes` turns the registry's node types into the
 * stable JSON shape of description-schema.ts (computed combo options resolved; each alias with
 * its input renames and positional widget layout, alias-layout.ts), and
 * `toComfyObjectInfo` maps a description to ComfyUI's `/object_info` entry — under our type id
 * and under each alias, with the alias's own input names — so ComfyUI clients see `LoadImage`.
 */
import { describeAlias } from './alias-layout.js';
import { isWidgetType, type AnyNodeType, type ComboInputSpec, type InputSpec, type NodeAlias } from './define.js';
import type { Logger, OptionsContext } from './context.js';
import { formatDeadline, hookTimeoutMs, settleWithin } from './hook-deadline.js';
import type { NodeRegistry } from './registry.js';
import type { NodeDescription, NodeInputDescription, NodeOutputDescription } from './description-schema.js';

export type { NodeDescription, NodeInputDescription, NodeOutputDescription, NodeAliasDescription, AliasWidgetValue } from './description-schema.js';

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** How describing resolves computed combo options. */
interface DescribeContext {
  ctx: OptionsContext;
  log: Logger | undefined;
  timeoutMs: number;
}

/**
 * Options of a combo input; a computed list that throws, returns garbage or does not answer
 * within the hook deadline becomes `[]` and is logged.
 */
async function resolveOptions(node: AnyNodeType, name: string, spec: ComboInputSpec, { ctx, log, timeoutMs }: DescribeContext): Promise<string[]> {
  if (typeof spec.options !== 'function') return (spec.options as readonly unknown[]).filter((o): o is string => typeof o === 'string');
  try {
    const answer = await settleWithin(Promise.resolve(spec.options(ctx)), timeoutMs);
    if (!answer.settled) throw new Error(`did not answer within ${formatDeadline(timeoutMs)}`);
    const computed: unknown = answer.value;
    if (!Array.isArray(computed)) throw new TypeError(`returned ${computed === null ? 'null' : typeof computed}, not an array of strings`);
    return computed.filter((o): o is string => typeof o === 'string');
  } catch (error) {
    log?.warn({ nodeType: node.type, input: name, err: error instanceof Error ? error.message : String(error) }, `options of ${node.type}.${name} could not be computed; listing none`);
    return [];
  }
}

async function describeInput(node: AnyNodeType, name: string, spec: InputSpec, describing: DescribeContext): Promise<NodeInputDescription> {
  const widget = isWidgetType(spec.type);
  const input: NodeInputDescription = { name, type: spec.type, optional: spec.optional === true, lazy: spec.lazy === true, widget };
  if (typeof spec.tooltip === 'string') input.tooltip = spec.tooltip;
  if (!widget) return input;
  const defaultValue: unknown = (spec as { default?: unknown }).default;
  switch (spec.type) {
    case 'INT':
    case 'FLOAT': {
      // Read loosely: a plain-JS pack may put anything here; only finite numbers are described.
      const numeric = spec as { min?: unknown; max?: unknown; step?: unknown; round?: unknown; control?: unknown };
      if (finite(defaultValue)) input.default = defaultValue;
      if (finite(numeric.min)) input.min = numeric.min;
      if (finite(numeric.max)) input.max = numeric.max;
      if (finite(numeric.step)) input.step = numeric.step;
      if (spec.type === 'FLOAT' && finite(numeric.round)) input.round = numeric.round;
      if (spec.type === 'INT' && numeric.control === true) input.control = true;
      break;
    }
    case 'STRING':
      if (typeof defaultValue === 'string') input.default = defaultValue;
      if ((spec as { multiline?: unknown }).multiline === true) input.multiline = true;
      break;
    case 'BOOLEAN':
      if (typeof defaultValue === 'boolean') input.default = defaultValue;
      break;
    case 'COMBO': {
      const combo = spec as ComboInputSpec;
      input.options = await resolveOptions(node, name, combo, describing);
      if (typeof defaultValue === 'string') input.default = defaultValue;
      if (combo.allowCustom === true) input.allow_custom = true;
      break;
    }
  }
  if (spec.forceInput === true) input.force_input = true;
  return input;
}

/** The description of one node type. */
/** `timeoutMs`: how long a computed combo's options may take (default: the hook deadline, hook-deadline.ts). */
export async function describeNode(node: AnyNodeType, registry: NodeRegistry, ctx: OptionsContext, log?: Logger, timeoutMs?: number): Promise<NodeDescription> {
  const describing: DescribeContext = { ctx, log, timeoutMs: hookTimeoutMs(timeoutMs) };
  const inputs = await Promise.all(node.inputNames.map((name) => describeInput(node, name, node.inputs[name] as InputSpec, describing)));
  const outputs = node.outputNames.map((name): NodeOutputDescription => {
    const spec = node.outputs[name] as { type: string; tooltip?: unknown };
    return typeof spec.tooltip === 'string' ? { name, type: spec.type, tooltip: spec.tooltip } : { name, type: spec.type };
  });
  const description: NodeDescription = {
    type: node.type,
    version: node.version,
    title: node.title,
    category: node.category,
    description: node.description ?? '',
    pack: registry.packOf(node.type) ?? '',
    aliases: node.aliasList.map((alias) => alias.type),
    alias_details: node.aliasList.map((alias) => describeAlias(node, alias)),
    output_node: node.output,
    never_cache: !node.cache,
    inputs,
    outputs,
  };
  if ('deprecated' in node && node.deprecated === true) description.deprecated = true;
  return description;
}

/** Descriptions of every registered node type, in registration order. */
export async function describeNodes(registry: NodeRegistry, ctx: OptionsContext, log?: Logger, timeoutMs?: number): Promise<NodeDescription[]> {
  return Promise.all(registry.list().map((node) => describeNode(node, registry, ctx, log, timeoutMs)));
}

// ---- ComfyUI /object_info --------------------------------------------------------------------

/** `[TYPE]`, `[TYPE, {options}]` or, for a combo, `[[choices…], {options}]`. */
export type ComfyInputSpec = [string | string[]] | [string | string[], Record<string, unknown>];

export interface ComfyNodeInfo {
  input: { required: Record<string, ComfyInputSpec>; optional: Record<string, ComfyInputSpec>; hidden: Record<string, ComfyInputSpec> };
  input_order: { required: string[]; optional: string[] };
  output: string[];
  output_is_list: boolean[];
  output_name: string[];
  output_tooltips?: string[];
  name: string;
  display_name: string;
  description: string;
  python_module: string;
  category: string;
  output_node: boolean;
  deprecated?: boolean;
}

function comfyInput(input: NodeInputDescription): ComfyInputSpec {
  const extra: Record<string, unknown> = {};
  if (input.default !== undefined) extra.default = input.default;
  if (input.min !== undefined) extra.min = input.min;
  if (input.max !== undefined) extra.max = input.max;
  if (input.step !== undefined) extra.step = input.step;
  if (input.round !== undefined) extra.round = input.round;
  if (input.multiline) extra.multiline = true;
  if (input.control) extra.control_after_generate = true;
  if (input.force_input) extra.forceInput = true;
  if (input.lazy) extra.lazy = true;
  if (input.tooltip !== undefined) extra.tooltip = input.tooltip;
  const type: string | string[] = input.type === 'COMBO' ? [...(input.options ?? [])] : input.type;
  return Object.keys(extra).length > 0 || input.type === 'COMBO' ? [type, extra] : [type];
}

/** The inputs in the order the alias's saved files put its widgets (link inputs keep their places). */
function orderForAlias(inputs: readonly NodeInputDescription[], alias: NodeAlias): NodeInputDescription[] {
  if (!alias.widgets) return [...inputs];
  const widgets = inputs.filter((input) => input.widget);
  const listed = alias.widgets.filter((name): name is string => name !== null);
  const ordered = [
    ...listed.map((name) => widgets.find((input) => input.name === name)).filter((input): input is NodeInputDescription => input !== undefined),
    ...widgets.filter((input) => !listed.includes(input.name)),
  ];
  let next = 0;
  return inputs.map((input) => (input.widget ? ordered[next++] : input));
}

function comfyEntry(description: NodeDescription, name: string, inputs: readonly NodeInputDescription[], rename: (input: string) => string): ComfyNodeInfo {
  const info: ComfyNodeInfo = {
    input: { required: {}, optional: {}, hidden: {} },
    input_order: { required: [], optional: [] },
    output: description.outputs.map((output) => output.type),
    output_is_list: description.outputs.map(() => false),
    output_name: description.outputs.map((output) => output.name),
    name,
    display_name: description.title,
    description: description.description,
    python_module: `switchyard.${description.pack}`,
    category: description.category,
    output_node: description.output_node,
  };
  for (const input of inputs) {
    const group = input.optional ? 'optional' : 'required';
    const inputName = rename(input.name);
    info.input[group][inputName] = comfyInput(input);
    info.input_order[group].push(inputName);
  }
  if (description.outputs.some((output) => output.tooltip !== undefined)) info.output_tooltips = description.outputs.map((output) => output.tooltip ?? '');
  if (description.deprecated) info.deprecated = true;
  return info;
}

/**
 * ComfyUI `/object_info` entries for one description: under its type id, and under each alias
 * (pass the node type's `aliasList` to get the aliases' input names and widget order; without
 * it, aliases use our input names).
 */
export function toComfyObjectInfo(description: NodeDescription, aliases: readonly NodeAlias[] = description.aliases.map((type) => ({ type }))): Record<string, ComfyNodeInfo> {
  const entries: Record<string, ComfyNodeInfo> = { [description.type]: comfyEntry(description, description.type, description.inputs, (input) => input) };
  for (const alias of aliases) {
    const ourToAlias = new Map(Object.entries(alias.inputs ?? {}).map(([aliasName, ourName]) => [ourName, aliasName]));
    entries[alias.type] = comfyEntry(description, alias.type, orderForAlias(description.inputs, alias), (input) => ourToAlias.get(input) ?? input);
  }
  return entries;
}

/** The whole `/object_info` map for a list of descriptions, with alias input names from the registry. */
export function buildComfyObjectInfo(descriptions: readonly NodeDescription[], registry: NodeRegistry): Record<string, ComfyNodeInfo> {
  const all: Record<string, ComfyNodeInfo> = {};
  for (const description of descriptions) {
    const aliases = registry.get(description.type)?.aliasList;
    Object.assign(all, toComfyObjectInfo(description, aliases));
  }
  return all;
}
