/**
 * The stable, serialisable description of a node type, as served to the editor and HTTP
 * clients. Defined once as a zod schema; the TypeScript type and the published JSON Schema
 * both derive from it, so the three cannot drift apart. Field names are snake_case (wire format).
 */
import { z } from 'zod';

export const NodeInputDescriptionSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().min(1).describe('A data type (IMAGE, LATENT, …) or a widget kind (INT, FLOAT, STRING, BOOLEAN, COMBO)'),
  optional: z.boolean(),
  lazy: z.boolean(),
  widget: z.boolean().describe('Holds a literal value in the editor (may still be linked)'),
  tooltip: z.string().optional(),
  default: z.union([z.number(), z.string(), z.boolean()]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  step: z.number().optional(),
  round: z.number().optional(),
  multiline: z.boolean().optional(),
  control: z.boolean().optional().describe('Seed-like INT: the editor shows "control after generate"'),
  options: z.array(z.string()).optional().describe('COMBO choices, resolved when the description is made'),
  allow_custom: z.boolean().optional(),
  force_input: z.boolean().optional().describe('Shown as a socket by default instead of a widget'),
});

export const NodeOutputDescriptionSchema = z.strictObject({
  name: z.string().min(1),
  type: z.string().min(1),
  tooltip: z.string().optional(),
});

export const AliasWidgetValueSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('input'),
    name: z.string().min(1).describe("The alias's name for the input (its widget's name)"),
    input: z.string().min(1).describe('Our input name'),
  }),
  z.strictObject({
    kind: z.literal('control'),
    input: z.string().min(1).describe('Our name of the seed-like input whose "control after generate" mode (fixed, increment, decrement, randomize) sits here'),
  }),
  z.strictObject({ kind: z.literal('ignored') }).describe('A value the alias writes that the node type does not use (kept as it is)'),
]);

export const NodeAliasDescriptionSchema = z.strictObject({
  type: z.string().min(1).describe('The other name, e.g. a ComfyUI class name'),
  native_type: z.string().min(1).describe('The node type it runs as'),
  input_renames: z.record(z.string(), z.string()).describe("Alias input name → our input name, where they differ"),
  widgets_values: z.array(AliasWidgetValueSchema).describe("What each position of the alias's positional widgets_values holds, in order (ComfyUI's hidden control value after a seed included)"),
});

export const NodeDescriptionSchema = z.strictObject({
  type: z.string().min(1),
  version: z.number().int().min(1),
  title: z.string(),
  category: z.string(),
  description: z.string(),
  pack: z.string().describe('The pack that defines the node type'),
  aliases: z.array(z.string()).describe('Other names (e.g. ComfyUI class names) the node type answers to'),
  alias_details: z.array(NodeAliasDescriptionSchema).describe('Each alias with its input renames and widget order, in the order of `aliases`'),
  output_node: z.boolean(),
  never_cache: z.boolean(),
  inputs: z.array(NodeInputDescriptionSchema).describe('In declaration order (the order of widgets_values for widget inputs)'),
  outputs: z.array(NodeOutputDescriptionSchema).describe("In declaration order (a link's output index is the position here)"),
  deprecated: z.boolean().optional(),
}).meta({ title: 'NodeDescription', description: 'A node type as the editor and HTTP clients see it' });

export type NodeInputDescription = z.infer<typeof NodeInputDescriptionSchema>;
export type NodeOutputDescription = z.infer<typeof NodeOutputDescriptionSchema>;
export type NodeDescription = z.infer<typeof NodeDescriptionSchema>;
export type NodeAliasDescription = z.infer<typeof NodeAliasDescriptionSchema>;
export type AliasWidgetValue = z.infer<typeof AliasWidgetValueSchema>;

/** JSON Schema (draft 2020-12) of one node description, for HTTP clients and docs. */
export function nodeDescriptionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(NodeDescriptionSchema, { target: 'draft-2020-12' }) as Record<string, unknown>;
}
