/**
 * The API (execution) format of a workflow: nodes keyed by id, each with a type and its inputs,
 * where an input is a literal or a link `[sourceNodeId, outputIndex]`. ComfyUI's prompt format
 * (`class_type`) is accepted as an alias. This zod schema is the one source of the shape.
 */
import { z } from 'zod';

export const CURRENT_SCHEMA_VERSION = 1;

/** A link to another node's output: `[nodeId, outputIndex]`. */
export const LinkSchema = z.tuple([z.string().min(1), z.number().int().nonnegative()]);
export type Link = z.infer<typeof LinkSchema>;

export const ApiNodeSchema = z.object({
  type: z.string().min(1).describe('Node type id or alias'),
  inputs: z.record(z.string(), z.unknown()).default({}).describe('Literal values and links [nodeId, outputIndex]'),
  version: z.number().int().positive().optional().describe('Node type version the inputs were written for'),
  title: z.string().optional(),
});
export type ApiNode = z.infer<typeof ApiNodeSchema>;

export const ApiWorkflowSchema = z.object({
  schemaVersion: z.number().int().positive().default(CURRENT_SCHEMA_VERSION),
  nodes: z.record(z.string().min(1), ApiNodeSchema),
});
export type ApiWorkflow = z.infer<typeof ApiWorkflowSchema>;

/** True for a link value `[nodeId, outputIndex]` (numeric ids are accepted and normalised by the parser). */
export function isLink(value: unknown): value is Link {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && Number.isInteger(value[1]) && (value[1] as number) >= 0;
}

/** ComfyUI wraps literal arrays as `{"__value__": [...]}` so they are not read as links. */
export function unwrapLiteral(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 1 && '__value__' in value) {
    return (value as { __value__: unknown }).__value__;
  }
  return value;
}
