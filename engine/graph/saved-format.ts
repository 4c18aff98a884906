/**
 * The saved (UI) workflow format: litegraph's serialisation as ComfyUI's editor writes it, in
 * its two versions (0.4 with array links and `last_*` counters, 1 with object links and
 * `state`). Schemas are lenient on purpose — real files carry many extra fields, so unknown
 * keys pass through — and strict only where conversion depends on a field's shape. Our own
 * files add `extra.switchyard` and per-node `properties.switchyard` (values keyed by name).
 */
import { z } from 'zod';

/** Node and link ids: litegraph writes numbers; newer editors and tools sometimes strings. */
export const SavedIdSchema = z.union([z.number(), z.string()]);
export type SavedId = z.infer<typeof SavedIdSchema>;

/** `[x, y]`, or the `{"0": x, "1": y}` some editor versions wrote for typed arrays. */
const Vec2Schema = z.union([z.array(z.number()), z.record(z.string(), z.number())]);

/** Socket types are strings (`IMAGE`, `*`, `INT,FLOAT`); litegraph also allows numbers and lists. */
const SlotTypeSchema = z.union([z.string(), z.number(), z.array(z.unknown())]);

export const SavedInputSchema = z.looseObject({
  name: z.string(),
  type: SlotTypeSchema.optional(),
  link: z.union([z.number(), z.string(), z.null()]).optional(),
  /** Present when the input is (or can be) a widget; `name` is the widget's input name. */
  widget: z.looseObject({ name: z.string() }).optional(),
});
export type SavedInput = z.infer<typeof SavedInputSchema>;

export const SavedOutputSchema = z.looseObject({
  name: z.string().optional(),
  type: SlotTypeSchema.optional(),
  links: z.union([z.array(z.union([z.number(), z.string()])), z.null()]).optional(),
  slot_index: z.number().optional(),
});
export type SavedOutput = z.infer<typeof SavedOutputSchema>;

/** Our per-node addition: the node type version and values keyed by input name. */
export const SwitchyardNodePropertiesSchema = z.looseObject({
  version: z.number().int().positive().optional().describe('Node type version the values were written for'),
  values: z.record(z.string(), z.unknown()).optional().describe('Widget values keyed by input name (preferred over widgets_values)'),
});
export type SwitchyardNodeProperties = z.infer<typeof SwitchyardNodePropertiesSchema>;

export const SavedNodeSchema = z.looseObject({
  id: SavedIdSchema,
  type: z.string().describe('Node class name (ComfyUI) or node type id'),
  pos: Vec2Schema.optional(),
  size: Vec2Schema.optional(),
  flags: z.record(z.string(), z.unknown()).optional(),
  order: z.number().optional(),
  mode: z.number().int().optional().describe('0 always, 2 never (muted), 4 bypass'),
  inputs: z.array(SavedInputSchema).optional(),
  outputs: z.array(SavedOutputSchema).optional(),
  properties: z.looseObject({ switchyard: SwitchyardNodePropertiesSchema.optional() }).optional(),
  /** Positional (in the node's widget order), or — for some packs — keyed by widget name. */
  widgets_values: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]).optional(),
  title: z.string().optional(),
});
export type SavedNode = z.infer<typeof SavedNodeSchema>;

/** A 0.4 link: `[id, origin_id, origin_slot, target_id, target_slot, type]`. */
export const SavedLinkArraySchema = z
  .tuple([SavedIdSchema, SavedIdSchema, z.number().int(), SavedIdSchema, z.number().int()])
  .rest(z.unknown());
export type SavedLinkArray = z.infer<typeof SavedLinkArraySchema>;

/** A version 1 link. */
export const SavedLinkObjectSchema = z.looseObject({
  id: SavedIdSchema,
  origin_id: SavedIdSchema,
  origin_slot: z.number().int(),
  target_id: SavedIdSchema,
  target_slot: z.number().int(),
  type: z.unknown().optional(),
  parentId: z.number().optional(),
});
export type SavedLinkObject = z.infer<typeof SavedLinkObjectSchema>;

export const SavedGroupSchema = z.looseObject({
  title: z.string().optional(),
  bounding: z.array(z.number()).optional(),
  color: z.string().optional(),
});

/** Our workflow-level addition. */
export const SwitchyardExtraSchema = z.looseObject({
  schemaVersion: z.number().int().positive().describe('Switchyard workflow schema version'),
});

const ExtraSchema = z.looseObject({ switchyard: SwitchyardExtraSchema.optional() });

/** One side of a subgraph's boundary: an input (or output) of every node that instances it. */
export const SavedSubgraphIOSchema = z.looseObject({
  name: z.string().optional(),
  type: SlotTypeSchema.optional(),
  linkIds: z.array(SavedIdSchema).optional(),
});

/**
 * A subgraph (ComfyUI's editor, litegraph `ExportedSubgraph`): a graph of its own, instanced by
 * nodes whose `type` is its `id`. Inside, links from the input side have origin_id -10 (the slot
 * is the subgraph input's index) and links to the output side have target_id -20.
 */
export const SavedSubgraphSchema = z.looseObject({
  id: z.string().optional().describe('UUID; the type of the nodes that instance it'),
  name: z.string().optional(),
  nodes: z.array(SavedNodeSchema).optional(),
  links: z.array(z.union([SavedLinkObjectSchema, SavedLinkArraySchema, z.null()])).optional(),
  inputs: z.array(SavedSubgraphIOSchema).optional(),
  outputs: z.array(SavedSubgraphIOSchema).optional(),
});
export type SavedSubgraph = z.infer<typeof SavedSubgraphSchema>;

const DefinitionsSchema = z.looseObject({ subgraphs: z.array(SavedSubgraphSchema).optional() });

/** Download manifest entries some workflows carry. */
const ModelEntrySchema = z.looseObject({
  name: z.string().optional(),
  url: z.string().optional(),
  hash: z.string().optional(),
  hash_type: z.string().optional(),
  directory: z.string().optional(),
});

const commonFields = {
  nodes: z.array(SavedNodeSchema),
  groups: z.array(SavedGroupSchema).optional(),
  config: z.record(z.string(), z.unknown()).optional(),
  extra: ExtraSchema.optional(),
  definitions: DefinitionsSchema.optional(),
  models: z.array(ModelEntrySchema).optional(),
};

export const SavedWorkflowV04Schema = z.looseObject({
  last_node_id: SavedIdSchema.optional(),
  last_link_id: SavedIdSchema.optional(),
  ...commonFields,
  /** Broken files sometimes hold `null` in place of a deleted link; conversion skips those. */
  links: z.array(z.union([SavedLinkArraySchema, z.null()])).optional(),
  version: z.number().optional(),
});
export type SavedWorkflowV04 = z.infer<typeof SavedWorkflowV04Schema>;

export const SavedWorkflowV1Schema = z.looseObject({
  version: z.literal(1),
  state: z
    .looseObject({
      lastNodeId: SavedIdSchema.optional(),
      lastLinkId: SavedIdSchema.optional(),
      lastGroupId: SavedIdSchema.optional(),
      lastRerouteId: SavedIdSchema.optional(),
    })
    .optional(),
  ...commonFields,
  links: z.array(z.union([SavedLinkObjectSchema, z.null()])).optional(),
  reroutes: z.array(z.looseObject({ id: SavedIdSchema.optional() })).optional(),
});
export type SavedWorkflowV1 = z.infer<typeof SavedWorkflowV1Schema>;

export const SavedWorkflowSchema = z.union([SavedWorkflowV1Schema, SavedWorkflowV04Schema]);
export type SavedWorkflow = z.infer<typeof SavedWorkflowSchema>;

/** The saved versions this engine reads. */
export const SAVED_VERSIONS = [0.4, 1] as const;

/**
 * Picks the schema for a candidate saved workflow by its declared shape, so that errors name
 * the fields of the version the file claims (a union's errors would be vague).
 */
export function savedSchemaFor(value: { version?: unknown }): typeof SavedWorkflowV04Schema | typeof SavedWorkflowV1Schema {
  return value.version === 1 ? SavedWorkflowV1Schema : SavedWorkflowV04Schema;
}
