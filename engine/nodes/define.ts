/**
 * The node contract: `defineNode({...})` declares a node type with named, typed inputs and
 * outputs. The TypeScript types of `run`'s inputs and return value are inferred from the
 * declaration, and the same declaration is checked at run time by the executor.
 */
import { SwitchyardError } from '../errors.js';
import type { NodeContext, FingerprintContext, OptionsContext } from './context.js';
import type { DataTypes } from './data-types.js';
import type { UiResult } from './values.js';

/** Widget kinds: inputs that can hold a literal value (and may also be linked). */
export const WIDGET_TYPES = ['INT', 'FLOAT', 'STRING', 'BOOLEAN', 'COMBO'] as const;
export type WidgetType = (typeof WIDGET_TYPES)[number];

export function isWidgetType(type: string): type is WidgetType {
  return (WIDGET_TYPES as readonly string[]).includes(type);
}

interface InputCommon {
  /** The input may be left empty; `run` then receives `undefined`. */
  optional?: boolean;
  /** The node asks for this input only when it needs it (`run` receives a function). */
  lazy?: boolean;
  tooltip?: string;
  /** Widget inputs only: show as a socket by default instead of a widget. */
  forceInput?: boolean;
}

export interface IntInputSpec extends InputCommon {
  type: 'INT';
  default?: number;
  min?: number;
  max?: number;
  step?: number;
  /** Seed-like: the editor shows a "control after generate" widget (fixed/randomize/increment/decrement). */
  control?: boolean;
}

export interface FloatInputSpec extends InputCommon {
  type: 'FLOAT';
  default?: number;
  min?: number;
  max?: number;
  step?: number;
  round?: number;
}

export interface StringInputSpec extends InputCommon {
  type: 'STRING';
  default?: string;
  multiline?: boolean;
}

export interface BooleanInputSpec extends InputCommon {
  type: 'BOOLEAN';
  default?: boolean;
}

export type ComboOptionsFn = (ctx: OptionsContext) => readonly string[] | Promise<readonly string[]>;

export interface ComboInputSpec extends InputCommon {
  type: 'COMBO';
  /** Fixed options, or a function computing them (e.g. the files present in a folder). */
  options: readonly string[] | ComboOptionsFn;
  default?: string;
  /** Accept values outside the options (e.g. a file uploaded after the list was built) — validated by the node. */
  allowCustom?: boolean;
}

/** A link-only input of a data type (IMAGE, LATENT, …, or one a pack declares). */
export interface LinkInputSpec extends InputCommon {
  type: string;
}

export type WidgetInputSpec = IntInputSpec | FloatInputSpec | StringInputSpec | BooleanInputSpec | ComboInputSpec;
export type InputSpec = WidgetInputSpec | LinkInputSpec;

export interface OutputSpec {
  type: string;
  tooltip?: string;
}

export type InputSpecs = Record<string, InputSpec>;
export type OutputSpecs = Record<string, OutputSpec>;

/** A ComfyUI (or other) name this node also answers to, with input renames where they differ. */
export interface NodeAlias {
  type: string;
  /** Alias input name → our input name. */
  inputs?: Record<string, string>;
  /**
   * The alias's positional widget order in saved files, as our input names (null = a value we
   * ignore). Defaults to our own widget order.
   */
  widgets?: readonly (string | null)[];
}

// ---- inference -----------------------------------------------------------------------------

type ValueOfType<T> = T extends keyof DataTypes ? DataTypes[T] : unknown;

/** The value type a single input spec delivers. */
export type InputValue<S> = S extends { type: 'COMBO'; options: readonly (infer E)[] }
  ? E & string
  : S extends { type: infer T } ? ValueOfType<T> : never;

type Resolved<S> = S extends { optional: true } ? InputValue<S> | undefined : InputValue<S>;
type Delivered<S> = S extends { lazy: true } ? () => Promise<Resolved<S>> : Resolved<S>;

type OptionalKeys<I> = { [K in keyof I]: I[K] extends { optional: true } ? (I[K] extends { lazy: true } ? never : K) : never }[keyof I];
type RequiredKeys<I> = Exclude<keyof I, OptionalKeys<I>>;

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** What `run` receives: one property per input, typed from its spec. */
export type InputValues<I extends InputSpecs> = Simplify<
  { [K in RequiredKeys<I>]: Delivered<I[K]> } & { [K in OptionalKeys<I>]?: Delivered<I[K]> }
>;

/** Inputs as a fingerprint sees them: eager inputs resolved, lazy ones absent. */
export type FingerprintInputs<I extends InputSpecs> = Simplify<
  { [K in keyof I as I[K] extends { lazy: true } ? never : K]?: Resolved<I[K]> }
>;

/** What `run` returns: one property per output, plus `ui` for what an output node shows. */
export type OutputValues<O extends OutputSpecs> = Simplify<{ [K in keyof O]: ValueOfType<O[K]['type']> } & { ui?: UiResult }>;

type RunReturn<O extends OutputSpecs> = keyof O extends never ? OutputValues<O> | void : OutputValues<O>;

export interface NodeDefinition<I extends InputSpecs, O extends OutputSpecs> {
  /** Stable, namespaced type id, e.g. `image.invert`. */
  type: string;
  /** Bumped when inputs change meaning; older saved nodes go through `migrate`. */
  version?: number;
  title: string;
  category: string;
  description?: string;
  aliases?: readonly (string | NodeAlias)[];
  inputs: I;
  outputs: O;
  /** An output node (save, preview): runs are planned from output nodes. */
  output?: boolean;
  /** `false`: never taken from the cache (e.g. reads a clock). Downstream is still keyed by its output's content. */
  cache?: boolean;
  /** For results that depend on the outside world (a file's content hash); part of the cache key. */
  fingerprint?: (inputs: FingerprintInputs<I>, ctx: FingerprintContext) => unknown;
  /**
   * Node-specific validation of literal inputs, before anything runs: return messages for every
   * problem. `inputs` holds only the literals (and defaults) that passed their basic checks;
   * linked inputs are absent. May be async (e.g. to look at the data folders in `ctx`); an async
   * hook that does not answer within the hook deadline (10 s, `SWITCHYARD_HOOK_TIMEOUT_MS`) is
   * reported as failed. A message starting with `input "<name>": ` is reported against that input.
   */
  validate?: (inputs: Partial<Record<keyof I & string, unknown>>, ctx: OptionsContext) => string[] | string | undefined | Promise<string[] | string | undefined>;
  /** Upgrades a saved node's inputs from `fromVersion` to `version`. */
  migrate?: (inputs: Record<string, unknown>, fromVersion: number) => Record<string, unknown>;
  run: (inputs: InputValues<I>, ctx: NodeContext) => RunReturn<O> | Promise<RunReturn<O>>;
}

/** A node type after `defineNode`: the declaration plus derived facts the engine needs often. */
export interface NodeType<I extends InputSpecs = InputSpecs, O extends OutputSpecs = OutputSpecs>
  extends Readonly<NodeDefinition<I, O>> {
  readonly version: number;
  readonly cache: boolean;
  readonly output: boolean;
  /** Input names in declaration order. */
  readonly inputNames: readonly string[];
  /** Widget input names in declaration order (the positional order of `widgets_values`). */
  readonly widgetNames: readonly string[];
  /** Output names in declaration order (link output index = position here). */
  readonly outputNames: readonly string[];
  readonly aliasList: readonly NodeAlias[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyNodeType = NodeType<any, any>;

const TYPE_ID = /^[A-Za-z0-9_][A-Za-z0-9_.:/-]*$/;
const INTEGER_LIKE = /^(0|[1-9][0-9]*)$/;

/** Declares a node type. Checks the declaration and derives the orders the engine relies on. */
export function defineNode<const I extends InputSpecs, const O extends OutputSpecs>(definition: NodeDefinition<I, O>): NodeType<I, O> {
  const problems: string[] = [];
  if (typeof definition.type !== 'string' || !TYPE_ID.test(definition.type)) problems.push(`type id ${JSON.stringify(definition.type)} is not a valid id`);
  if (typeof definition.title !== 'string' || definition.title.length === 0) problems.push('title is required');
  if (typeof definition.category !== 'string') problems.push('category is required');
  if (typeof definition.run !== 'function') problems.push('run must be a function');
  const version = definition.version ?? 1;
  if (!Number.isInteger(version) || version < 1) problems.push(`version must be a positive integer, got ${String(definition.version)}`);
  const inputNames = Object.keys(definition.inputs ?? {});
  const outputNames = Object.keys(definition.outputs ?? {});
  for (const name of [...inputNames, ...outputNames]) {
    if (INTEGER_LIKE.test(name)) problems.push(`input/output name "${name}" must not be an integer (order would be lost)`);
  }
  if (outputNames.includes('ui')) problems.push('"ui" is reserved for what an output node shows');
  for (const name of inputNames) {
    const spec = definition.inputs[name] as InputSpec;
    if (!spec || typeof spec.type !== 'string' || spec.type.length === 0) {
      problems.push(`input "${name}" needs a type`);
      continue;
    }
    if (spec.type === 'COMBO') {
      const options = (spec as ComboInputSpec).options;
      if (!Array.isArray(options) && typeof options !== 'function') problems.push(`combo input "${name}" needs options`);
    }
    if ((spec.type === 'INT' || spec.type === 'FLOAT')) {
      const { min, max } = spec as IntInputSpec;
      if (min !== undefined && max !== undefined && min > max) problems.push(`input "${name}" has min ${min} > max ${max}`);
    }
  }
  for (const name of outputNames) {
    const spec = definition.outputs[name] as OutputSpec;
    if (!spec || typeof spec.type !== 'string' || spec.type.length === 0) problems.push(`output "${name}" needs a type`);
  }
  if (problems.length > 0) {
    throw new SwitchyardError('node_definition_invalid', `node type ${String(definition.type)}: ${problems.join('; ')}`, { type: definition.type, problems });
  }
  const widgetNames = inputNames.filter((name) => isWidgetType((definition.inputs[name] as InputSpec).type));
  const aliasList = (definition.aliases ?? []).map((alias) => (typeof alias === 'string' ? { type: alias } : alias));
  return Object.freeze({
    ...definition,
    version,
    cache: definition.cache ?? true,
    output: definition.output ?? false,
    inputNames,
    widgetNames,
    outputNames,
    aliasList,
  });
}
