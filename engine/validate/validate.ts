/**
 * Whole-workflow validation: every node, input, link, cycle and the presence of output nodes,
 * all problems reported at once, never an exception. Returns the workflow as the executor
 * should run it (literals coerced, defaults filled, undeclared inputs dropped).
 *
 * Validity: a workflow is valid when it has no workflow-level errors (cycles, no outputs), no
 * node has an unknown type or is malformed, and no node that a selected output depends on has
 * a problem. Problems on nodes that no selected output needs (a disconnected leftover, as
 * ComfyUI users often keep) are still reported in `nodeErrors`, with `dependentOutputs: []`,
 * but do not block the run.
 */
import { CURRENT_SCHEMA_VERSION, type ApiNode, type ApiWorkflow } from '../graph/api-format.js';
import { setOwn } from '../graph/untrusted.js';
import type { Folders } from '../nodes/context.js';
import type { ComboInputSpec } from '../nodes/define.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { checkNode, writtenInputs, type CheckContext, type NodeCheck } from './check-node.js';
import { hookTimeoutMs } from '../nodes/hook-deadline.js';
import { mapConcurrent } from './concurrent.js';
import { findCycles } from './cycles.js';
import { dependencyGraph } from './dependencies.js';
import { clip, thrownMessage } from './format.js';
import { issue, type NodeErrors, type ValidationIssue } from './issues.js';
import type { ComboOptionsResult } from './coerce.js';
import { blockedOutputs, downstreamOf } from './reach.js';
import { nodeLabel, readWorkflow, type NodeRecord, type ReadWorkflow } from './workflow-nodes.js';

export interface ValidateOptions {
  folders: Folders;
  /** Run only these output nodes (default: every output node in the workflow). */
  outputs?: readonly string[];
  /**
   * The caller hands `workflow` over (a check that parsed it into objects of its own): nodes
   * whose checked form is what they already are — the usual case — are then kept in the result
   * as they are instead of copied (and the workflow itself when all are). The result is the same
   * either way, object identity aside.
   */
  owned?: boolean;
  /**
   * How long a node's async hook (computed combo options, validate()) may take before it is
   * reported as failed (default: `SWITCHYARD_HOOK_TIMEOUT_MS`, else 10 s).
   */
  hookTimeoutMs?: number;
}

export interface ValidationResult {
  valid: boolean;
  /** Workflow-level problems: invalid_workflow, dependency_cycle, prompt_no_outputs. */
  errors: ValidationIssue[];
  /** Per node id: its problems and the selected output nodes they block. */
  nodeErrors: Record<string, NodeErrors>;
  /** Literals coerced, defaults filled, undeclared inputs dropped; malformed nodes left out. */
  workflow: ApiWorkflow;
  /** Selected output nodes, in workflow order, whose whole upstream is free of problems. */
  runnableOutputs: string[];
}

/** Codes that make a workflow invalid wherever they occur, even on a disconnected node. */
const ALWAYS_FATAL = new Set<string>(['missing_node_type', 'invalid_workflow']);
const CYCLE_NAMES_SHOWN = 12;
/** Node checks in flight at once: enough to overlap I/O-bound hooks, few enough to spare file handles. */
const NODE_CHECK_CONCURRENCY = 32;

export async function validateWorkflow(workflow: ApiWorkflow, registry: NodeRegistry, options: ValidateOptions): Promise<ValidationResult> {
  try {
    return await validate(workflow, registry, options);
  } catch (error) {
    // Last line of defence: a bug here must still come back as a report, not a crash.
    return {
      valid: false,
      errors: [issue('invalid_workflow', `The workflow could not be validated: ${thrownMessage(error)}`)],
      nodeErrors: {},
      workflow: { schemaVersion: CURRENT_SCHEMA_VERSION, nodes: {} },
      runnableOutputs: [],
    };
  }
}

async function validate(workflow: unknown, registry: NodeRegistry, options: ValidateOptions): Promise<ValidationResult> {
  const read = readWorkflow(workflow, registry);
  const errors: ValidationIssue[] = [];
  if (read.problem !== undefined) errors.push(issue('invalid_workflow', `Invalid workflow: ${read.problem}`));

  const context: CheckContext = {
    workflow: read,
    registry,
    optionsContext: { folders: options?.folders },
    comboOptions: new Map<ComboInputSpec, Promise<ComboOptionsResult>>(),
    suggestions: new Map<string, string[]>(),
    hookTimeoutMs: hookTimeoutMs(options?.hookTimeoutMs),
  };
  // Nodes are checked concurrently: their async hooks (file lookups, …) overlap instead of queueing.
  const checks: NodeCheck[] = await mapConcurrent(read.nodes, NODE_CHECK_CONCURRENCY, (record) => checkNodeSafely(record, context));
  const dependencies = dependencyGraph(read);

  const cycleNodes: number[] = [];
  for (const { cycle, component } of findCycles(dependencies)) {
    errors.push(cycleIssue(read.nodes, cycle, component));
    for (const node of component) cycleNodes.push(node);
  }

  const selected = selectOutputs(read, options?.outputs, errors);

  const problems = new Set<number>();
  checks.forEach((check, index) => {
    if (check.issues.length > 0) problems.add(index);
  });
  const tainted = downstreamOf([...problems, ...cycleNodes], dependencies);
  const blocked = blockedOutputs(selected, problems, tainted, dependencies);

  const nodeErrors: [string, NodeErrors][] = [];
  let fatal = false;
  for (const index of problems) {
    const record = read.nodes[index];
    const { issues } = checks[index];
    if (issues.some((problem) => ALWAYS_FATAL.has(problem.code))) fatal = true;
    nodeErrors.push([record.id, { type: record.typeName, errors: issues, dependentOutputs: (blocked.get(index) ?? []).map((output) => read.nodes[output].id) }]);
  }
  const runnable = selected.filter((output) => tainted[output] === 0);

  return {
    valid: errors.length === 0 && !fatal && runnable.length === selected.length,
    errors,
    nodeErrors: Object.fromEntries(nodeErrors),
    workflow: normalisedWorkflow(read, checks, options?.owned === true ? (workflow as ApiWorkflow) : undefined),
    runnableOutputs: runnable.map((output) => read.nodes[output].id),
  };
}

/** The output nodes to run, in workflow order; reports requested ids that cannot be run. */
function selectOutputs(read: ReadWorkflow, requested: readonly string[] | undefined, errors: ValidationIssue[]): number[] {
  const chosen = new Set<number>();
  let reported = false;
  if (requested === undefined || requested === null) {
    for (const record of read.nodes) if (record.nodeType?.output) chosen.add(record.index);
  } else {
    for (const raw of Array.isArray(requested) ? requested : [requested]) {
      const id = typeof raw === 'string' ? raw : String(raw);
      const index = read.indexById.get(id);
      if (index === undefined) {
        errors.push(issue('prompt_no_outputs', `Requested output node ${JSON.stringify(clip(id))} is not in the workflow`, { nodeId: id }));
        reported = true;
        continue;
      }
      const record = read.nodes[index];
      if (record.nodeType === undefined) continue; // its own error already explains it
      if (!record.nodeType.output) {
        errors.push(issue('prompt_no_outputs', `Requested output ${nodeLabel(record)} is not an output node (such as a save or preview node)`, { nodeId: id }));
        reported = true;
        continue;
      }
      chosen.add(index);
    }
  }
  if (chosen.size === 0 && !reported) {
    const message = requested === undefined
      ? 'The workflow has no output node (such as a save or preview node), so there is nothing to run'
      : 'None of the requested output nodes can be run';
    errors.push(issue('prompt_no_outputs', message));
  }
  return [...chosen].sort((a, b) => a - b);
}

/** Names the nodes of a cycle in data-flow order: `1 → 2 → 3 → 1`. */
function cycleIssue(nodes: readonly NodeRecord[], cycle: readonly number[], component: readonly number[]): ValidationIssue {
  // The cycle follows "depends on" edges; reversed it follows the data. Start at the node that
  // comes first in the workflow so the same cycle always reads the same way.
  const reversed = [...cycle].reverse();
  let first = 0;
  reversed.forEach((index, position) => {
    if (index < reversed[first]) first = position;
  });
  const flow = [...reversed.slice(first), ...reversed.slice(0, first)];
  const ids = flow.map((index) => nodes[index].id);
  const shown = flow.length > CYCLE_NAMES_SHOWN
    ? [...flow.slice(0, CYCLE_NAMES_SHOWN / 2).map((index) => nodeLabel(nodes[index])), `… ${flow.length - CYCLE_NAMES_SHOWN} more …`, ...flow.slice(-CYCLE_NAMES_SHOWN / 2).map((index) => nodeLabel(nodes[index]))]
    : flow.map((index) => nodeLabel(nodes[index]));
  const message = flow.length === 1
    ? `${shown[0]} links to itself, which makes a dependency cycle`
    : `Dependency cycle: ${[...shown, nodeLabel(nodes[flow[0]])].join(' → ')}`;
  const extra = component.length > cycle.length ? ` (${component.length - cycle.length} more nodes are tangled in with it)` : '';
  return issue('dependency_cycle', message + extra, { details: { nodes: ids, component: component.map((index) => nodes[index].id) } });
}

/** `owned`: the workflow the caller handed over, whose nodes (and itself) may be kept as they are. */
function normalisedWorkflow(read: ReadWorkflow, checks: readonly NodeCheck[], owned: ApiWorkflow | undefined): ApiWorkflow {
  const schemaVersion = read.schemaVersion ?? CURRENT_SCHEMA_VERSION;
  const written = owned?.nodes;
  // With an owned workflow, the nodes object is only built from the first node that is not kept.
  let nodes: Record<string, ApiNode> | undefined = written === undefined ? {} : undefined;
  const records = read.nodes;
  for (let index = 0; index < records.length; index++) {
    const record = records[index]!;
    const kept = written === undefined ? undefined : keptNode(record, checks[index]!, written[record.id]);
    if (nodes === undefined) {
      if (kept !== undefined) continue;
      nodes = {};
      for (let before = 0; before < index; before++) setOwn(nodes, records[before]!.id, written![records[before]!.id]!);
    }
    if (kept !== undefined) {
      setOwn(nodes, record.id, kept);
      continue;
    }
    if (record.malformed !== undefined) continue;
    const check = checks[index]!;
    const node: ApiNode = { type: record.typeName, inputs: check.inputs ?? writtenInputs(read, record) };
    if (record.version !== undefined) node.version = record.version;
    if (record.title !== undefined) node.title = record.title;
    setOwn(nodes, record.id, node);
  }
  if (nodes === undefined && hasKeys(owned!, 'schemaVersion', 'nodes', undefined, undefined) && owned!.schemaVersion === schemaVersion) return owned!;
  return { schemaVersion, nodes: nodes ?? written! };
}

/**
 * `node` itself when it is exactly what validation would make of it: its written inputs are its
 * checked inputs, and it has only `type`, `inputs` and a valid `version` and `title`, in the
 * order validation writes them.
 */
function keptNode(record: NodeRecord, check: NodeCheck, node: ApiNode | undefined): ApiNode | undefined {
  if (node === undefined || record.malformed !== undefined || check.inputs !== undefined) return undefined;
  if (node.type !== record.typeName || node.version !== record.version || node.title !== record.title) return undefined;
  return hasKeys(node, 'type', 'inputs', record.version === undefined ? undefined : 'version', record.title === undefined ? undefined : 'title') ? node : undefined;
}

/** True when `object`'s enumerable keys are exactly the given ones (undefined: left out), in that order. */
function hasKeys(object: object, first: string, second: string, third: string | undefined, fourth: string | undefined): boolean {
  let at = 0;
  // for…in: the keys without an array of them (inherited enumerable keys count, and then refuse).
  for (const key in object) {
    const expected = at === 0 ? first : at === 1 ? second : at === 2 ? third ?? fourth : at === 3 && third !== undefined ? fourth : undefined;
    if (key !== expected) return false;
    at++;
  }
  return at === 2 + (third === undefined ? 0 : 1) + (fourth === undefined ? 0 : 1);
}

/** `checkNode`, with anything it throws or rejects with reported on the node: validation itself never fails. */
function checkNodeSafely(record: NodeRecord, context: CheckContext): NodeCheck | Promise<NodeCheck> {
  try {
    const check = checkNode(record, context);
    return check instanceof Promise ? reportRejection(check, record) : check;
  } catch (error) {
    return couldNotCheck(record, error);
  }
}

// Apart from checkNodeSafely: a closure there would cost every node a captured scope.
function reportRejection(pending: Promise<NodeCheck>, record: NodeRecord): Promise<NodeCheck> {
  return pending.catch((error: unknown) => couldNotCheck(record, error));
}

function couldNotCheck(record: NodeRecord, error: unknown): NodeCheck {
  return { issues: [issue('invalid_workflow', `${nodeLabel(record)} could not be validated: ${thrownMessage(error)}`, { nodeId: record.id })], inputs: {}, matched: 0 };
}
