/**
 * Per-request parameter overrides: `{"<nodeId>.<input>": value}` (HTTP `params`, CLI `--set`).
 * An override replaces the input's literal (or link) before validation, so the usual checks
 * and coercions apply to it; an override naming a missing node is reported, never ignored.
 */
import type { ApiWorkflow } from '../graph/api-format.js';
import { setOwn } from '../graph/untrusted.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { issue, type ValidationIssue } from '../validate/issues.js';

export type ParamOverrides = Record<string, unknown>;

/**
 * Applies overrides to a copy of `workflow`. With a registry, an override naming an input the
 * node's type does not declare is reported too (a typo must not run with the file's value).
 * `routes` (from converting a saved workflow with subgraphs) let an override name a subgraph
 * node and one of the widgets it shows: the value goes to every inner input that widget feeds.
 */
export function applyParams(workflow: ApiWorkflow, params: ParamOverrides, registry?: NodeRegistry, routes?: Record<string, [string, string][]>): { workflow: ApiWorkflow; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const nodes: ApiWorkflow['nodes'] = Object.create(null) as ApiWorkflow['nodes'];
  for (const [id, node] of Object.entries(workflow.nodes)) {
    const inputs: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(node.inputs)) setOwn(inputs, name, value);
    nodes[id] = { ...node, inputs };
  }
  for (const [key, value] of Object.entries(params)) {
    const dot = key.indexOf('.');
    if (dot <= 0 || dot === key.length - 1) {
      issues.push(issue('invalid_workflow', `parameter "${key}" must be written <nodeId>.<input>`, { details: { parameter: key } }));
      continue;
    }
    const nodeId = key.slice(0, dot);
    const input = key.slice(dot + 1);
    const node = Object.hasOwn(nodes, nodeId) ? nodes[nodeId] : undefined;
    const routed = !node && routes && Object.hasOwn(routes, key) ? routes[key]! : undefined;
    if (routed) {
      for (const [innerId, innerInput] of routed) setOwn(nodes[innerId]!.inputs, innerInput, value);
      continue;
    }
    const subgraphInputs = !node && routes ? Object.keys(routes).filter((route) => route.startsWith(`${nodeId}.`)).map((route) => route.slice(nodeId.length + 1)) : [];
    if (!node && subgraphInputs.length > 0) {
      issues.push(issue('invalid_workflow', `parameter "${key}": node ${nodeId} is a subgraph node; the inputs a parameter can set on it are ${subgraphInputs.map((name) => `"${name}"`).join(', ')} (or an inner node's, as "${nodeId}:<inner id>.<input>")`, { nodeId, input, details: { parameter: key, inputs: subgraphInputs } }));
      continue;
    }
    if (!node) {
      issues.push(issue('invalid_workflow', `parameter "${key}" names node ${nodeId}, which is not in the workflow`, { nodeId, input, details: { parameter: key, known_nodes: Object.keys(nodes).slice(0, 50) } }));
      continue;
    }
    const resolved = registry?.resolve(node.type);
    if (resolved) {
      // Before normalisation a node may still use an alias (e.g. ComfyUI's) and its input names.
      const known = [...resolved.node.inputNames, ...Object.keys(resolved.alias?.inputs ?? {})];
      if (!known.includes(input)) {
        issues.push(issue('invalid_workflow', `parameter "${key}": node ${nodeId} (${node.type}) has no input "${input}"; its inputs are ${known.map((n) => `"${n}"`).join(', ') || 'none'}`, { nodeId, input, details: { parameter: key, inputs: known } }));
        continue;
      }
    }
    setOwn(node.inputs, input, value);
  }
  return { workflow: { ...workflow, nodes }, issues };
}

/**
 * Parses CLI `--set nodeId.input=value` strings. Values stay strings: validation coerces them
 * for INT, FLOAT and BOOLEAN inputs, and a STRING input keeps `123` as the text "123".
 */
export function parseSetArguments(values: readonly string[]): { params: ParamOverrides; errors: string[] } {
  const params: ParamOverrides = {};
  const errors: string[] = [];
  for (const raw of values) {
    const eq = raw.indexOf('=');
    const key = eq > 0 ? raw.slice(0, eq) : '';
    if (!/^[^.]+\..+$/.test(key)) {
      errors.push(`--set ${raw}: expected <nodeId>.<input>=<value>`);
      continue;
    }
    params[key] = raw.slice(eq + 1);
  }
  return { params, errors };
}
