/**
 * Workflows the engine's own validation produced (`checkWorkflow`'s `workflow`): canonical
 * types, coerced values, checked links. Consumers that would otherwise re-parse a workflow with
 * the zod schema (the run queue, for callers it cannot trust) ask here first — parsing the same
 * object twice in one submission cost as much as validating it.
 */
import type { ApiWorkflow } from './api-format.js';

const validated = new WeakSet<object>();

export function markValidated(workflow: ApiWorkflow): ApiWorkflow {
  validated.add(workflow);
  return workflow;
}

export function isValidated(value: unknown): value is ApiWorkflow {
  return typeof value === 'object' && value !== null && validated.has(value);
}
