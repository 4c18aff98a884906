/**
 * Checks one node against its type: every input (links, literals, defaults, required ones)
 * and the node's own `validate()` hook, collecting every problem. Also returns the node's
 * inputs as the executor should see them (literals coerced, defaults filled, undeclared inputs
 * dropped) and the nodes it depends on, for the graph-level checks.
 */
import { isLink, unwrapLiteral } from '../graph/api-format.js';
import { isWidgetType, type ComboInputSpec, type InputSpec } from '../nodes/define.js';
import type { OptionsContext } from '../nodes/context.js';
import { typesCompatible } from '../nodes/data-types.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { coerceLiteral, comboOptionsFailed, resolveComboOptions, type CoerceResult, type ComboOptionsResult } from './coerce.js';
import { clip, formatValue, thrownMessage } from './format.js';
import { issue, type ValidationIssue } from './issues.js';
import { suggestNodeTypes } from './suggest.js';
import { nodeLabel, type NodeRecord, type ReadWorkflow } from './workflow-nodes.js';

const MAX_SUGGESTION_LOOKUPS = 50;
const MAX_SUGGESTED_NAME = 100;

export interface NodeCheck {
  issues: ValidationIssue[];
  /** The inputs to run with, in declaration order. */
  inputs: [string, unknown][];
  /** Indices of the nodes this node links from (existing ones only). */
  dependencies: number[];
}

/** Shared across the nodes of one validation: computed options and suggestions are worked out once. */
export interface CheckContext {
  workflow: ReadWorkflow;
  registry: NodeRegistry;
  optionsContext: OptionsContext;
  comboOptions: Map<ComboInputSpec, Promise<ComboOptionsResult>>;
  suggestions: Map<string, string[]>;
}

export async function checkNode(record: NodeRecord, context: CheckContext): Promise<NodeCheck> {
  const check: NodeCheck = { issues: [], inputs: [], dependencies: [] };
  const label = nodeLabel(record);
  if (record.malformed !== undefined) {
    check.issues.push(issue('invalid_workflow', `${label} ${record.malformed}`, { nodeId: record.id }));
    collectAllLinks(record, context, check);
    return check;
  }
  const nodeType = record.nodeType;
  if (nodeType === undefined) {
    check.issues.push(missingType(record, context));
    collectAllLinks(record, context, check);
    check.inputs = [...record.inputs.entries()];
    return check;
  }

  const literals: [string, unknown][] = [];
  for (const name of nodeType.inputNames) {
    const spec = nodeType.inputs[name] as InputSpec;
    const raw = record.inputs.get(name);
    const where = { nodeId: record.id, input: name };
    if (isLink(raw)) {
      check.inputs.push([name, raw]);
      const problem = checkLink(label, name, spec, raw, context, check);
      if (problem) check.issues.push({ ...problem, ...where });
      continue;
    }
    if (raw === undefined || raw === null) {
      if ('default' in spec && spec.default !== undefined) {
        check.inputs.push([name, spec.default]);
        literals.push([name, spec.default]);
      } else if (!spec.optional) {
        const how = isWidgetType(spec.type) ? `has no value and no link (set a value of type ${spec.type} or link an output to it)` : `is not connected (link an output of type ${spec.type} to it)`;
        check.issues.push(issue('required_input_missing', `${label}: required input "${name}" ${how}`, { ...where, details: { expectedType: spec.type } }));
      }
      continue;
    }
    const value = unwrapLiteral(raw);
    const result = await checkLiteralValue(spec, value, context);
    if (result.ok) {
      check.inputs.push([name, result.value]);
      literals.push([name, result.value]);
    } else {
      check.inputs.push([name, raw]);
      check.issues.push(issue(result.issue.code, `${label}: input "${name}": ${result.issue.message}`, { ...where, details: result.issue.details }));
    }
  }

  if (typeof nodeType.validate === 'function') check.issues.push(...(await runValidateHook(record, label, literals, context)));
  return check;
}

async function checkLiteralValue(spec: InputSpec, value: unknown, context: CheckContext): Promise<CoerceResult> {
  const combo = spec as ComboInputSpec;
  if (spec.type !== 'COMBO' || typeof combo.options !== 'function' || combo.allowCustom || typeof value !== 'string') return coerceLiteral(spec, value);
  let listing = context.comboOptions.get(combo);
  if (listing === undefined) {
    listing = resolveComboOptions(combo, context.optionsContext);
    context.comboOptions.set(combo, listing);
  }
  const listed = await listing;
  return listed.ok ? coerceLiteral(spec, value, { comboOptions: listed.options }) : comboOptionsFailed(spec, value, listed.message);
}

/** Checks a link's target and types; records the dependency. Returns the problem, if any. */
function checkLink(label: string, name: string, spec: InputSpec, link: [string, number], context: CheckContext, check: NodeCheck): ValidationIssue | undefined {
  const [sourceId, outputIndex] = link;
  const sourceIndex = context.workflow.indexById.get(sourceId);
  if (sourceIndex === undefined) {
    return issue('bad_linked_input', `${label}: input "${name}" is linked to node ${JSON.stringify(clip(sourceId))}, which is not in the workflow`, {
      details: { sourceNode: sourceId, sourceOutput: outputIndex },
    });
  }
  check.dependencies.push(sourceIndex);
  const source = context.workflow.nodes[sourceIndex];
  // The source's own error (unknown type, malformed) says it all; don't pile on.
  if (source.nodeType === undefined) return undefined;
  const outputNames = source.nodeType.outputNames;
  if (outputIndex >= outputNames.length) {
    const has = outputNames.length === 0
      ? 'which has no outputs'
      : `which has only ${outputNames.length} output${outputNames.length === 1 ? '' : 's'} (${outputNames.map((output, index) => `${index}: ${output} ${source.nodeType?.outputs[output].type}`).join(', ')})`;
    return issue('bad_linked_input', `${label}: input "${name}" is linked to output ${outputIndex} of ${nodeLabel(source)}, ${has}`, {
      details: { sourceNode: sourceId, sourceOutput: outputIndex, outputCount: outputNames.length },
    });
  }
  const outputName = outputNames[outputIndex];
  const outputType = source.nodeType.outputs[outputName].type;
  if (!typesCompatible(outputType, spec.type)) {
    return issue('return_type_mismatch', `${label}: input "${name}" expects ${spec.type} but is linked to output ${outputIndex} "${outputName}" (${outputType}) of ${nodeLabel(source)}`, {
      details: { sourceNode: sourceId, sourceOutput: outputIndex, receivedType: outputType, expectedType: spec.type },
    });
  }
  return undefined;
}

/** For nodes whose inputs cannot be checked: every link-shaped input still counts for cycles. */
function collectAllLinks(record: NodeRecord, context: CheckContext, check: NodeCheck): void {
  for (const value of record.inputs.values()) {
    if (!isLink(value)) continue;
    const sourceIndex = context.workflow.indexById.get(value[0]);
    if (sourceIndex !== undefined) check.dependencies.push(sourceIndex);
  }
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
 * Runs the node's own `validate()` on its literal inputs, with the data folders; awaited when
 * async. A throw or a rejection becomes a reported problem, never an exception.
 */
async function runValidateHook(record: NodeRecord, label: string, literals: [string, unknown][], context: CheckContext): Promise<ValidationIssue[]> {
  const nodeType = record.nodeType;
  if (nodeType?.validate === undefined) return [];
  let outcome: unknown;
  try {
    outcome = await nodeType.validate(Object.fromEntries(literals), context.optionsContext);
  } catch (error) {
    return [issue('custom_validation_failed', `${label}: its validate() check failed with an error: ${thrownMessage(error)}`, { nodeId: record.id, details: { threw: true } })];
  }
  const messages: unknown[] = typeof outcome === 'string' ? [outcome] : Array.isArray(outcome) ? outcome : [];
  return messages
    .filter((message) => message !== undefined && message !== null && message !== '')
    .map((message) => {
      const text = typeof message === 'string' ? message : formatValue(message);
      const named = INPUT_PREFIX.exec(text)?.[1];
      const input = named !== undefined && nodeType.inputNames.includes(named) ? named : undefined;
      return issue('custom_validation_failed', `${label}: ${text}`, { nodeId: record.id, ...(input !== undefined ? { input } : {}) });
    });
}
