/**
 * From raw input to a runnable workflow: parse (either format, or JSON text), normalise
 * (aliases, migrations), apply parameter overrides, validate. Every problem of every step comes
 * back at once in one result; nothing here throws on bad input.
 */
import type { ApiWorkflow } from '../graph/api-format.js';
import { parseWorkflow } from '../graph/parse.js';
import { normalizeWorkflow } from '../graph/normalize.js';
import type { NodeRegistry } from '../nodes/registry.js';
import type { Folders } from '../nodes/context.js';
import { validateWorkflow } from '../validate/validate.js';
import type { NodeErrors, ValidationIssue } from '../validate/issues.js';
import { applyParams, type ParamOverrides } from './params.js';
import { setOwn } from '../graph/untrusted.js';
import { markValidated } from '../graph/validated.js';

export interface CheckOptions {
  params?: ParamOverrides;
  /** Run only these output nodes (and their ancestors). */
  outputs?: string[];
}

export interface CheckResult {
  valid: boolean;
  format?: 'api' | 'saved';
  /** The runnable workflow (API format, canonical types, coerced values) when valid. */
  workflow?: ApiWorkflow;
  /** The saved (UI) workflow the input was, for embedding into outputs. */
  saved?: unknown;
  errors: ValidationIssue[];
  nodeErrors: Record<string, NodeErrors>;
}

export async function checkWorkflow(input: unknown, registry: NodeRegistry, folders: Folders, options: CheckOptions = {}): Promise<CheckResult> {
  const parsed = parseWorkflow(input, registry);
  if (!parsed.ok) return { valid: false, errors: parsed.issues, nodeErrors: {} };
  // Overrides go in before normalisation, so they may use a node's alias input names too.
  // Without any, the parsed workflow (already this call's own copy) needs no second copy.
  const withParams = hasOverrides(options.params)
    ? applyParams(parsed.workflow, options.params, registry, parsed.paramRoutes)
    : { workflow: parsed.workflow, issues: [] };
  // The workflow is this call's own (parsed, or copied by applyParams): normalising may keep its nodes.
  const normalized = normalizeWorkflow(withParams.workflow, registry, { owned: true });
  const early = [...parsed.issues, ...withParams.issues, ...normalized.issues];
  // Still this call's own: validation may keep its nodes (and it) rather than copy them.
  const validation = await validateWorkflow(normalized.workflow, registry, { folders, outputs: options.outputs, owned: true });
  const nodeErrors: Record<string, NodeErrors> = { ...validation.nodeErrors };
  const errors: ValidationIssue[] = [...validation.errors];
  for (const problem of early) {
    const nodeId = problem.nodeId;
    if (nodeId !== undefined && Object.hasOwn(normalized.workflow.nodes, nodeId)) {
      const entry = Object.hasOwn(nodeErrors, nodeId)
        ? nodeErrors[nodeId]!
        : { type: normalized.workflow.nodes[nodeId]!.type, errors: [], dependentOutputs: [] };
      entry.errors.unshift(problem);
      setOwn(nodeErrors, nodeId, entry);
    } else {
      errors.push(problem);
    }
  }
  // Problems on nodes that feed no chosen output are reported but do not block the run (as in ComfyUI).
  const valid = validation.valid && early.length === 0;
  return {
    valid,
    format: parsed.format,
    workflow: valid && validation.workflow ? markValidated(validation.workflow) : undefined,
    saved: parsed.saved ?? (parsed.format === 'saved' ? (typeof input === 'string' ? safeJson(input) : input) : undefined),
    errors,
    nodeErrors,
  };
}

function hasOverrides(params: ParamOverrides | undefined): params is ParamOverrides {
  if (params === undefined || params === null) return false;
  for (const key in params) if (Object.hasOwn(params, key)) return true;
  return false;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
