/**
 * zod → JSON Schema (draft 2020-12, what OpenAPI 3.1 embeds) for the OpenAPI document. Request
 * shapes are converted as the server reads them (`io: 'input'`: fields with defaults are
 * optional), answers as it writes them. Definitions zod emits for recursive or shared parts
 * (`$defs`) are hoisted into `components.schemas` under a prefix, with their `$ref`s rewritten,
 * so every reference resolves from the document root.
 */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export interface SchemaSink {
  /** Adds a component and answers a `$ref` to it. */
  component(name: string, schema: JsonSchema): JsonSchema;
  /** The components gathered so far. */
  readonly components: Record<string, JsonSchema>;
}

export function schemaSink(): SchemaSink {
  const components: Record<string, JsonSchema> = {};
  return {
    components,
    component(name, schema) {
      components[name] = schema;
      return { $ref: `#/components/schemas/${name}` };
    },
  };
}

/** Names given with `named`, by schema. */
const names = new WeakMap<z.ZodType, string>();

/**
 * What `z.toJSONSchema` reads metadata from: the global registry (descriptions, titles) plus
 * the names given here. A separate registry rather than `.meta({id})` on the shared schemas,
 * so other JSON Schema outputs (docs/schemas) are not split into `$defs` by names meant for
 * the OpenAPI document.
 */
const metadata = {
  get(schema: z.core.$ZodType): Record<string, unknown> | undefined {
    const global = z.globalRegistry.get(schema) as Record<string, unknown> | undefined;
    const id = names.get(schema as z.ZodType);
    return id === undefined ? global : { ...global, id };
  },
} as unknown as z.core.$ZodRegistry<Record<string, unknown>>;

/** Names a shared schema: wherever it appears it becomes a `$ref` to components/schemas/<id> (`<id>Input` on the request side). */
export function named<T extends z.ZodType>(schema: T, id: string): T {
  if (!names.has(schema)) names.set(schema, id);
  return schema;
}

function componentName(def: string, io: 'input' | 'output', prefix: string): string {
  const isNamed = /^[A-Z][A-Za-z0-9]*$/.test(def);
  if (!isNamed) return `${prefix}_${def}`;
  return io === 'output' ? def : `${def}Input`;
}

/**
 * The JSON Schema of `schema`; `prefix` names its other hoisted definitions (unique per call
 * site). Parts JSON Schema cannot express (custom checks, transforms on the answer side) become `{}`.
 */
export function toJsonSchema(schema: z.ZodType, io: 'input' | 'output', prefix: string, sink: SchemaSink): JsonSchema {
  const raw = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any', metadata }) as JsonSchema;
  delete raw.$schema;
  const defs = raw.$defs as Record<string, JsonSchema> | undefined;
  if (defs === undefined) return raw;
  delete raw.$defs;
  let result: unknown = raw;
  const renamed: [string, string][] = Object.keys(defs).map((def) => [def, componentName(def, io, prefix)]);
  const rewrite = (value: unknown): unknown => {
    let out = value;
    for (const [def, name] of renamed) out = rewriteExact(out, `#/$defs/${def}`, `#/components/schemas/${name}`);
    return out;
  };
  for (const [def, name] of renamed) sink.components[name] = rewrite(defs[def]) as JsonSchema;
  result = rewrite(result);
  return result as JsonSchema;
}

function rewriteExact(value: unknown, from: string, to: string): unknown {
  if (Array.isArray(value)) return value.map((item) => rewriteExact(item, from, to));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, inner] of Object.entries(value)) out[key] = key === '$ref' && inner === from ? to : rewriteExact(inner, from, to);
  return out;
}
