/**
 * Validation issues: one shape for every problem a workflow can have, with stable codes. The
 * codes follow ComfyUI's names where ComfyUI has the same check, so its clients understand them.
 */
import { z } from 'zod';

export const VALIDATION_CODES = [
  'malformed_json',          // the text is not JSON
  'invalid_workflow',        // JSON, but not a workflow in any known format/shape
  'unsupported_schema_version', // newer schemaVersion than this engine knows
  'missing_node_type',       // unknown node type
  'required_input_missing',  // a required input has neither a value nor a link
  'bad_linked_input',        // link to a missing node, or to an output index the node lacks
  'return_type_mismatch',    // link from an output whose type does not fit the input
  'invalid_input_type',      // literal of the wrong kind (string for INT, …)
  'value_smaller_than_min',
  'value_bigger_than_max',
  'value_not_in_list',       // combo value not among the options
  'custom_validation_failed', // the node's own validate() refused
  'dependency_cycle',        // the nodes on a cycle
  'prompt_no_outputs',       // no output node to run
] as const;

export type ValidationCode = (typeof VALIDATION_CODES)[number];

export const ValidationIssueSchema = z.object({
  code: z.enum(VALIDATION_CODES),
  message: z.string(),
  nodeId: z.string().optional(),
  input: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

export const NodeErrorsSchema = z.object({
  type: z.string(),
  errors: z.array(ValidationIssueSchema),
  /** Output nodes that depend on this node (and so cannot run). */
  dependentOutputs: z.array(z.string()),
});
export type NodeErrors = z.infer<typeof NodeErrorsSchema>;

export function issue(code: ValidationCode, message: string, where: { nodeId?: string; input?: string; details?: Record<string, unknown> } = {}): ValidationIssue {
  const result: ValidationIssue = { code, message };
  if (where.nodeId !== undefined) result.nodeId = where.nodeId;
  if (where.input !== undefined) result.input = where.input;
  if (where.details !== undefined) result.details = where.details;
  return result;
}
