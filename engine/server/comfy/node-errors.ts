/**
 * Our validation result in ComfyUI's `POST /prompt` failure shape, so its clients highlight the
 * right nodes and show the right text: a top-level `error {type, message, details, extra_info}`
 * plus `node_errors {"<id>": {errors: [...], dependent_outputs, class_type}}`. Our issue codes
 * already carry ComfyUI's names; ComfyUI puts a short category in `message` and the specifics
 * in `details`, so our full message goes to `details`. Input names are given back under the
 * alias the client used (ComfyUI's `image`, not our renamed input).
 */
import { z } from 'zod';
import type { CheckResult } from '../../runtime/check.js';
import type { NodeRegistry } from '../../nodes/registry.js';
import type { NodeErrors, ValidationCode, ValidationIssue } from '../../validate/issues.js';

export const ComfyErrorSchema = z.object({
  type: z.string().describe('Our stable error code (ComfyUI\'s error type)'),
  message: z.string().describe('A short category'),
  details: z.string().describe('The specifics'),
  extra_info: z.record(z.string(), z.unknown()),
});
export type ComfyError = z.infer<typeof ComfyErrorSchema>;

export const ComfyNodeErrorSchema = z.object({
  errors: z.array(ComfyErrorSchema),
  dependent_outputs: z.array(z.string()),
  class_type: z.string(),
});
export type ComfyNodeError = z.infer<typeof ComfyNodeErrorSchema>;

/** Every failure of a ComfyUI route (comfy/errors.ts), `POST /prompt`'s validation failures included. */
export const ComfyValidationFailureSchema = z.object({
  error: ComfyErrorSchema,
  node_errors: z.record(z.string(), ComfyNodeErrorSchema).describe('By node id; empty unless the prompt is invalid'),
});
export type ComfyValidationFailure = z.infer<typeof ComfyValidationFailureSchema>;

/** ComfyUI's short message per error type. */
const SHORT_MESSAGE: Record<ValidationCode, string> = {
  malformed_json: 'Invalid prompt',
  invalid_workflow: 'Invalid prompt',
  unsupported_schema_version: 'Invalid prompt',
  missing_node_type: 'Node type not found',
  required_input_missing: 'Required input is missing',
  bad_linked_input: 'Bad linked input',
  return_type_mismatch: 'Return type mismatch between linked nodes',
  invalid_input_type: 'Failed to convert an input value',
  value_smaller_than_min: 'Value smaller than min',
  value_bigger_than_max: 'Value bigger than max',
  value_not_in_list: 'Value not in list',
  custom_validation_failed: 'Custom validation failed for node',
  dependency_cycle: 'Dependency cycle detected',
  prompt_no_outputs: 'Prompt has no outputs',
};

/** Our codes that ComfyUI reports under another top-level type. */
const TOP_LEVEL_TYPE: Partial<Record<ValidationCode, string>> = {
  malformed_json: 'invalid_prompt',
  invalid_workflow: 'invalid_prompt',
  unsupported_schema_version: 'invalid_prompt',
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The node as the client wrote it in its prompt (when the prompt is a ComfyUI/API node map). */
function submittedNode(prompt: unknown, nodeId: string): { classType?: string; title?: string } {
  if (!isRecord(prompt) || !Object.hasOwn(prompt, nodeId)) return {};
  const node = prompt[nodeId];
  if (!isRecord(node)) return {};
  const classType = typeof node.class_type === 'string' ? node.class_type : typeof node.type === 'string' ? node.type : undefined;
  const meta = node._meta;
  const title = isRecord(meta) && typeof meta.title === 'string' ? meta.title : typeof node.title === 'string' ? node.title : undefined;
  return { classType, title };
}

/** Our input name → the name under the alias the client used. */
function aliasInputNames(registry: NodeRegistry, classType: string | undefined): (input: string) => string {
  if (classType === undefined) return (input) => input;
  const alias = registry.resolve(classType)?.alias;
  if (!alias?.inputs) return (input) => input;
  const ourToAlias = new Map(Object.entries(alias.inputs).map(([aliasName, ourName]) => [ourName, aliasName]));
  return (input) => ourToAlias.get(input) ?? input;
}

function comfyIssue(problem: ValidationIssue, inputName: (input: string) => string): ComfyError {
  const { receivedValue, ...details } = problem.details ?? {};
  const extra: Record<string, unknown> = { ...details };
  if (problem.input !== undefined) extra.input_name = inputName(problem.input);
  if (receivedValue !== undefined) extra.received_value = receivedValue;
  return { type: problem.code, message: SHORT_MESSAGE[problem.code], details: problem.message, extra_info: extra };
}

function comfyNodeErrors(check: CheckResult, prompt: unknown, registry: NodeRegistry): Record<string, ComfyNodeError> {
  const result: Record<string, ComfyNodeError> = {};
  for (const [nodeId, entry] of Object.entries(check.nodeErrors) as [string, NodeErrors][]) {
    const submitted = submittedNode(prompt, nodeId);
    const rename = aliasInputNames(registry, submitted.classType);
    result[nodeId] = {
      errors: entry.errors.map((problem) => comfyIssue(problem, rename)),
      dependent_outputs: [...entry.dependentOutputs],
      class_type: submitted.classType ?? entry.type,
    };
  }
  return result;
}

function topLevel(check: CheckResult, nodeErrors: Record<string, ComfyNodeError>, prompt: unknown): ComfyError {
  const invalid = check.errors.find((problem) => TOP_LEVEL_TYPE[problem.code] !== undefined);
  if (invalid) {
    return { type: TOP_LEVEL_TYPE[invalid.code]!, message: SHORT_MESSAGE[invalid.code], details: check.errors.map((p) => p.message).join('\n'), extra_info: { ...invalid.details } };
  }
  for (const [nodeId, entry] of Object.entries(nodeErrors)) {
    if (!entry.errors.some((problem) => problem.type === 'missing_node_type')) continue;
    const title = submittedNode(prompt, nodeId).title ?? entry.class_type;
    return {
      type: 'missing_node_type',
      message: `Cannot execute because node ${entry.class_type} does not exist.`,
      details: `Node ID '#${nodeId}'`,
      extra_info: { node_id: nodeId, class_type: entry.class_type, node_title: title },
    };
  }
  const general = check.errors.find((problem) => problem.code === 'dependency_cycle') ?? check.errors.find((problem) => problem.code === 'prompt_no_outputs') ?? check.errors[0];
  if (general && Object.keys(nodeErrors).length === 0) {
    return { type: general.code, message: SHORT_MESSAGE[general.code], details: check.errors.map((p) => p.message).join('\n'), extra_info: { ...general.details } };
  }
  const lines: string[] = [];
  for (const [nodeId, entry] of Object.entries(nodeErrors)) {
    lines.push(`${entry.class_type} ${nodeId}:`);
    for (const problem of entry.errors) lines.push(`- ${problem.message}: ${problem.details}`);
  }
  for (const problem of check.errors) lines.push(`- ${SHORT_MESSAGE[problem.code]}: ${problem.message}`);
  return { type: 'prompt_outputs_failed_validation', message: 'Prompt outputs failed validation', details: lines.join('\n'), extra_info: {} };
}

/** The 400 body for an invalid prompt. `prompt` is what the client sent (for its class names and titles). */
export function comfyValidationFailure(check: CheckResult, prompt: unknown, registry: NodeRegistry): ComfyValidationFailure {
  const nodeErrors = comfyNodeErrors(check, prompt, registry);
  return { error: topLevel(check, nodeErrors, prompt), node_errors: nodeErrors };
}

/** Node problems of a valid prompt (nodes that feed no output), as ComfyUI reports them with a 200. */
export function comfyNodeErrorsOf(check: CheckResult, prompt: unknown, registry: NodeRegistry): Record<string, ComfyNodeError> {
  return comfyNodeErrors(check, prompt, registry);
}

/** The 400 body when the request has no prompt at all. */
export function noPromptFailure(): ComfyValidationFailure {
  return { error: { type: 'no_prompt', message: 'No prompt provided', details: 'No prompt provided', extra_info: {} }, node_errors: {} };
}
