/**
 * Checks one node against its type: every input (links, literals, defaults, required ones)
 * and the node's own `validate()` hook, collecting every problem. Also returns the node's
 * inputs as the executor should see them (literals coerced, defaults filled, undeclared inputs
 * dropped). The nodes it depends on come from `dependencyGraph`, for the graph-level checks.
 *
 * Synchronous unless something is: a node answers with a promise only when it has to wait for
 * a computed combo's options or for an async `validate()` hook. Validation checks every node of
 * every run, so the usual node (plain literals and links) costs no promise, no microtask, and
 * no message text until it actually has a problem.
 */
import { isLink, unwrapLiteral } from '../graph/api-format.js';
import { setOwn } from '../graph/untrusted.js';
import { isWidgetType, type AnyNodeType, type ComboInputSpec, type InputSpec } from '../nodes/define.js';
import type { OptionsContext } from '../nodes/context.js';
import { typesCompatible } from '../nodes/data-types.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { formatDeadline, settleWithin } from '../nodes/hook-deadline.js';
import { coerceLiteral, comboOptionsFailed, fitsAsIs, resolveComboOptions, type CoerceResult, type ComboOptionsResult } from './coerce.js';
import { clip, formatValue, thrownMessage } from './format.js';
import { issue, type ValidationIssue } from './issues.js';
import { suggestNodeTypes } from './suggest.js';
import { inputValue, nodeLabel, type NodeRecord, type ReadWorkflow } from './workflow-nodes.js';

const MAX_SUGGESTION_LOOKUPS = 50;
const MAX_SUGGESTED_NAME = 100;

/** The `issues` of a node without problems: shared, frozen (addIssue replaces it). */
const NO_ISSUES: ValidationIssue[] = Object.freeze([]) as unknown as ValidationIssue[];

export interface NodeCheck {
  /** Every problem found; empty (a shared, frozen array) when there is none. */
  issues: ValidationIssue[];
  /**
   * The inputs to run with, in declaration order; undefined when they are exactly the node's
   * written inputs (the same names in the same order with the same values, as most nodes of a
   * checked workflow have): `writtenInputs` copies those when needed, and a caller that owns the
   * workflow can keep the node's own inputs object instead of a copy per node.
   */
  inputs: Record<string, unknown> | undefined;
  /** While checking, with `inputs` undefined: how many written inputs, in order, the checked ones matched so far. */
  matched: number;
}

/** Shared across the nodes of one validation: computed options and suggestions are worked out once. */
export interface CheckContext {
  workflow: ReadWorkflow;
  registry: NodeRegistry;
  optionsContext: OptionsContext;
  comboOptions: Map<ComboInputSpec, Promise<ComboOptionsResult>>;
  suggestions: Map<string, string[]>;
  /** How long an async hook (computed combo options, validate()) may take before it counts as failed. */
  hookTimeoutMs: number;
  /**
   * The check of the node being checked synchronously (made on first use, reused node after
   * node): a node that turns out clean answers the shared CLEAN, so a valid workflow costs no
   * check object per node; one that must wait gets its own copy first.
   */
  scratch?: NodeCheck;
}

/** The check of a node without problems whose inputs are as written (shared, frozen). */
const CLEAN: NodeCheck = Object.freeze({ issues: NO_ISSUES, inputs: undefined, matched: 0 }) as NodeCheck;

/** The node's check; a promise only when a computed combo or its validate() hook is async. */
export function checkNode(record: NodeRecord, context: CheckContext): NodeCheck | Promise<NodeCheck> {
  if (record.malformed !== undefined) {
    return { issues: [issue('invalid_workflow', `${nodeLabel(record)} ${record.malformed}`, { nodeId: record.id })], inputs: {}, matched: 0 };
  }
  const nodeType = record.nodeType;
  // An unknown type keeps its inputs as written.
  if (nodeType === undefined) return { issues: [missingType(record, context)], inputs: undefined, matched: 0 };
  const scratch = (context.scratch ??= { issues: NO_ISSUES, inputs: undefined, matched: 0 });
  scratch.issues = NO_ISSUES;
  scratch.inputs = undefined;
  scratch.matched = 0;
  // The hook's own copy of the literals, built only for types that have a hook.
  const literals = typeof nodeType.validate === 'function' ? {} : undefined;
  const checked = checkInputsFrom(0, record, nodeType, context, scratch, literals);
  if (checked !== scratch) return checked;
  if (scratch.issues === NO_ISSUES && scratch.inputs === undefined) return CLEAN;
  return { issues: scratch.issues, inputs: scratch.inputs, matched: scratch.matched };
}

/** `check` itself, or a copy of it when it is the context's scratch (before a check waits: the next node reuses the scratch). */
function detached(context: CheckContext, check: NodeCheck): NodeCheck {
  return check === context.scratch ? { issues: check.issues, inputs: check.inputs, matched: check.matched } : check;
}

/**
 * Checks the type's inputs from position `start` on, in declaration order. When a literal has
 * to wait (a computed combo's options), the rest continues once it has its answer, so inputs
 * and issues keep their order either way.
 */
function checkInputsFrom(
  start: number,
  record: NodeRecord,
  nodeType: AnyNodeType,
  context: CheckContext,
  check: NodeCheck,
  literals: Record<string, unknown> | undefined,
): NodeCheck | Promise<NodeCheck> {
  const names = nodeType.inputNames;
  const read = context.workflow;
  for (let position = start; position < names.length; position++) {
    const name = names[position]!;
    const spec = nodeType.inputs[name] as InputSpec;
    const raw = inputValue(read, record, name);
    if (isLink(raw)) {
      putInput(read, record, check, name, raw);
      const problem = checkLink(record, name, spec, raw, context);
      if (problem) addIssue(check, { ...problem, nodeId: record.id, input: name });
      continue;
    }
    if (raw === undefined || raw === null) {
      if ('default' in spec && spec.default !== undefined) {
        putInput(read, record, check, name, spec.default);
        if (literals !== undefined) setOwn(literals, name, spec.default);
      } else if (!spec.optional) {
        const how = isWidgetType(spec.type) ? `has no value and no link (set a value of type ${spec.type} or link an output to it)` : `is not connected (link an output of type ${spec.type} to it)`;
        addIssue(check, issue('required_input_missing', `${nodeLabel(record)}: required input "${name}" ${how}`, { nodeId: record.id, input: name, details: { expectedType: spec.type } }));
      }
      continue;
    }
    const value = unwrapLiteral(raw);
    if (fitsAsIs(spec, value)) {
      // The usual literal: accepted as it is, without a result object.
      putInput(read, record, check, name, value);
      if (literals !== undefined) setOwn(literals, name, value);
      continue;
    }
    const result = checkLiteralValue(spec, value, context);
    if (result instanceof Promise) return resumeAfterLiteral(result, position, record, nodeType, context, detached(context, check), literals);
    acceptLiteral(read, record, name, raw, result, check, literals);
  }
  // Written inputs the type does not declare (or that come after the matched ones) are dropped.
  if (check.inputs === undefined && record.inputStart + check.matched < record.inputEnd) check.inputs = writtenInputs(read, record, check.matched);
  if (literals === undefined) return check;
  const hooked = runValidateHook(record, nodeType, literals, context);
  return hooked instanceof Promise ? addIssuesLater(detached(context, check), hooked) : addIssues(check, hooked);
}

// The continuations below live in functions of their own: a closure inside checkInputsFrom
// would make every call (and every loop turn) allocate a scope for the variables it captures.

/** Accepts the literal at `position` once its combo options are known, then checks the rest. */
function resumeAfterLiteral(
  pending: Promise<CoerceResult>,
  position: number,
  record: NodeRecord,
  nodeType: AnyNodeType,
  context: CheckContext,
  check: NodeCheck,
  literals: Record<string, unknown> | undefined,
): Promise<NodeCheck> {
  return pending.then((settled) => {
    const name = nodeType.inputNames[position]!;
    acceptLiteral(context.workflow, record, name, inputValue(context.workflow, record, name), settled, check, literals);
    return checkInputsFrom(position + 1, record, nodeType, context, check, literals);
  });
}

function addIssuesLater(check: NodeCheck, pending: Promise<ValidationIssue[]>): Promise<NodeCheck> {
  return pending.then((problems) => addIssues(check, problems));
}

/** Records a literal's outcome: its coerced value, or its problem (keeping the value as written). */
function acceptLiteral(read: ReadWorkflow, record: NodeRecord, name: string, raw: unknown, result: CoerceResult, check: NodeCheck, literals: Record<string, unknown> | undefined): void {
  if (result.ok) {
    putInput(read, record, check, name, result.value);
    if (literals !== undefined) setOwn(literals, name, result.value);
    return;
  }
  putInput(read, record, check, name, raw);
  addIssue(check, issue(result.issue.code, `${nodeLabel(record)}: input "${name}": ${result.issue.message}`, { nodeId: record.id, input: name, details: result.issue.details }));
}

function addIssue(check: NodeCheck, problem: ValidationIssue): void {
  if (check.issues === NO_ISSUES) check.issues = [problem];
  else check.issues.push(problem);
}

function addIssues(check: NodeCheck, problems: readonly ValidationIssue[]): NodeCheck {
  for (const problem of problems) addIssue(check, problem);
  return check;
}

/** A literal's coerced value or problem; waits (a promise) only for a computed combo's options. */
function checkLiteralValue(spec: InputSpec, value: unknown, context: CheckContext): CoerceResult | Promise<CoerceResult> {
  const combo = spec as ComboInputSpec;
  if (spec.type !== 'COMBO' || typeof combo.options !== 'function' || combo.allowCustom || typeof value !== 'string') return coerceLiteral(spec, value);
  let listing = context.comboOptions.get(combo);
  if (listing === undefined) {
    listing = resolveComboOptions(combo, context.optionsContext, context.hookTimeoutMs);
    context.comboOptions.set(combo, listing);
  }
  return coerceWhenListed(listing, spec, value);
}

function coerceWhenListed(listing: Promise<ComboOptionsResult>, spec: InputSpec, value: string): Promise<CoerceResult> {
  return listing.then((listed) => (listed.ok ? coerceLiteral(spec, value, { comboOptions: listed.options }) : comboOptionsFailed(spec, value, listed.message)));
}

/** Checks a link's target and types. Returns the problem, if any (the caller says where). */
function checkLink(record: NodeRecord, name: string, spec: InputSpec, link: [string, number], context: CheckContext): ValidationIssue | undefined {
  const sourceId = link[0];
  const outputIndex = link[1];
  const sourceIndex = context.workflow.indexById.get(sourceId);
  if (sourceIndex === undefined) {
    return issue('bad_linked_input', `${nodeLabel(record)}: input "${name}" is linked to node ${JSON.stringify(clip(sourceId))}, which is not in the workflow`, {
      details: { sourceNode: sourceId, sourceOutput: outputIndex },
    });
  }
  const source = context.workflow.nodes[sourceIndex];
  // The source's own error (unknown type, malformed) says it all; don't pile on.
  if (source.nodeType === undefined) return undefined;
  const outputNames = source.nodeType.outputNames;
  if (outputIndex >= outputNames.length) {
    const has = outputNames.length === 0
      ? 'which has no outputs'
      : `which has only ${outputNames.length} output${outputNames.length === 1 ? '' : 's'} (${outputNames.map((output, index) => `${index}: ${output} ${source.nodeType?.outputs[output].type}`).join(', ')})`;
    return issue('bad_linked_input', `${nodeLabel(record)}: input "${name}" is linked to output ${outputIndex} of ${nodeLabel(source)}, ${has}`, {
      details: { sourceNode: sourceId, sourceOutput: outputIndex, outputCount: outputNames.length },
    });
  }
  const outputName = outputNames[outputIndex];
  const outputType = source.nodeType.outputs[outputName].type;
  if (!typesCompatible(outputType, spec.type)) {
    return issue('return_type_mismatch', `${nodeLabel(record)}: input "${name}" expects ${spec.type} but is linked to output ${outputIndex} "${outputName}" (${outputType}) of ${nodeLabel(source)}`, {
      details: { sourceNode: sourceId, sourceOutput: outputIndex, receivedType: outputType, expectedType: spec.type },
    });
  }
  return undefined;
}

/**
 * Sets the checked input `name` to `value`. While the checked inputs so far are the written
 * ones, in order and unchanged, nothing is built; the first difference copies the matching
 * prefix into the node's own inputs object.
 */
function putInput(read: ReadWorkflow, record: NodeRecord, check: NodeCheck, name: string, value: unknown): void {
  if (check.inputs === undefined) {
    const at = record.inputStart + check.matched;
    if (at < record.inputEnd && read.inputNames[at] === name && read.inputValues[at] === value) {
      check.matched++;
      return;
    }
    check.inputs = writtenInputs(read, record, check.matched);
  }
  setOwn(check.inputs, name, value);
}

/** A copy of the node's first `count` written inputs (all of them by default). */
export function writtenInputs(read: ReadWorkflow, record: NodeRecord, count = record.inputEnd - record.inputStart): Record<string, unknown> {
  const inputs: Record<string, unknown> = {};
  const end = record.inputStart + count;
  for (let at = record.inputStart; at < end; at++) setOwn(inputs, read.inputNames[at]!, read.inputValues[at]);
  return inputs;
}

function missingType(record: NodeRecord, context: CheckContext): ValidationIssue {
  let suggestions = context.suggestions.get(record.typeName);
  if (suggestions === undefined) {
    // Edit distance costs (types × name length²): bound it against workflows full of made-up names.
    const affordable = context.suggestions.size < MAX_SUGGESTION_LOOKUPS && record.typeName.length <= MAX_SUGGESTED_NAME;
    suggestions = affordable ? suggestNodeTypes(record.typeName, context.registry) : [];
    context.suggestions.set(record.typeName, suggestions);
  }
  const hint = suggestions.length > 0 ? ` Did you mean ${suggestions.map((name) => JSON.stringify(name)).join(' or ')}?` : '';
  return issue('missing_node_type', `${nodeLabel(record)} has unknown node type ${JSON.stringify(clip(record.typeName))}.${hint} If a node pack provides it, install or enable that pack.`, {
    nodeId: record.id,
    details: { nodeType: record.typeName, suggestions },
  });
}

/** `input "name": …` at the start of a hook message points the issue at that input. */
const INPUT_PREFIX = /^input "([^"]+)":/;

/**
 * Runs the node's own `validate()` on its literal inputs, with the data folders; waited for
 * only when it answers with a promise. A throw or a rejection becomes a reported problem,
 * never an exception.
 */
function runValidateHook(record: NodeRecord, nodeType: AnyNodeType, literals: Record<string, unknown>, context: CheckContext): ValidationIssue[] | Promise<ValidationIssue[]> {
  let outcome: unknown;
  try {
    outcome = nodeType.validate?.(literals, context.optionsContext);
    if (isThenable(outcome)) return hookIssuesLater(record, nodeType, outcome, context.hookTimeoutMs);
  } catch (error) {
    return [hookFailed(record, error)];
  }
  return hookIssues(record, nodeType, outcome);
}

function hookIssuesLater(record: NodeRecord, nodeType: AnyNodeType, outcome: PromiseLike<unknown>, timeoutMs: number): Promise<ValidationIssue[]> {
  return settleWithin(outcome, timeoutMs).then(
    (answer) => (answer.settled ? hookIssues(record, nodeType, answer.value) : [hookTimedOut(record, timeoutMs)]),
    (error: unknown) => [hookFailed(record, error)],
  );
}

function hookTimedOut(record: NodeRecord, timeoutMs: number): ValidationIssue {
  return issue('custom_validation_failed', `${nodeLabel(record)}: its validate() check did not answer within ${formatDeadline(timeoutMs)}`, { nodeId: record.id, details: { timedOut: true, timeoutMs } });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function hookFailed(record: NodeRecord, error: unknown): ValidationIssue {
  return issue('custom_validation_failed', `${nodeLabel(record)}: its validate() check failed with an error: ${thrownMessage(error)}`, { nodeId: record.id, details: { threw: true } });
}

/** The hook's answer (a message, a list of them, or nothing) as issues. */
function hookIssues(record: NodeRecord, nodeType: AnyNodeType, outcome: unknown): ValidationIssue[] {
  const messages: unknown[] = typeof outcome === 'string' ? [outcome] : Array.isArray(outcome) ? outcome : [];
  return messages
    .filter((message) => message !== undefined && message !== null && message !== '')
    .map((message) => {
      const text = typeof message === 'string' ? message : formatValue(message);
      const named = INPUT_PREFIX.exec(text)?.[1];
      const input = named !== undefined && nodeType.inputNames.includes(named) ? named : undefined;
      return issue('custom_validation_failed', `${nodeLabel(record)}: ${text}`, { nodeId: record.id, ...(input !== undefined ? { input } : {}) });
    });
}
