/**
 * Puts an API workflow in canonical form before validation: alias type names (ComfyUI class
 * names) become our type ids with inputs renamed, nodes written for an older node type version
 * go through the type's `migrate`, and inputs that are only ComfyUI editor leftovers are
 * dropped. Other unknown inputs stay — validation decides about them. Never throws.
 */
import type { AnyNodeType, NodeAlias } from '../nodes/define.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { issue, type ValidationIssue } from '../validate/issues.js';
import type { ApiNode, ApiWorkflow } from './api-format.js';
import { renameInput } from './convert.js';
import { describeFound, isPlainObject, setOwn, thrownText, type PlainObject } from './untrusted.js';

/** Inputs ComfyUI's editor writes that are UI state, not node inputs. */
export const UI_LEFTOVER_INPUTS: ReadonlySet<string> = new Set([
  'control_after_generate',
  'control_before_generate',
  'control_filter_list',
  'upload',
  'image_upload',
  'choose file to upload',
]);

export interface NormalizeResult {
  workflow: ApiWorkflow;
  issues: ValidationIssue[];
}

export function normalizeWorkflow(workflow: ApiWorkflow, registry: NodeRegistry): NormalizeResult {
  const issues: ValidationIssue[] = [];
  const raw: unknown = workflow;
  if (!isPlainObject(raw) || !isPlainObject(raw.nodes)) {
    issues.push(issue('invalid_workflow', `expected an API workflow {schemaVersion, nodes}, found ${describeFound(raw)}`));
    return { workflow, issues };
  }
  const nodes: PlainObject = {};
  for (const id of Object.keys(raw.nodes)) {
    const node = raw.nodes[id];
    setOwn(nodes, id, normalizeNode(id, node, registry, issues));
  }
  return { workflow: { ...workflow, nodes: nodes as Record<string, ApiNode> }, issues };
}

function normalizeNode(id: string, node: unknown, registry: NodeRegistry, issues: ValidationIssue[]): unknown {
  // Malformed nodes and unknown types are left for validation to describe.
  if (!isPlainObject(node) || typeof node.type !== 'string') return node;
  const resolved = registry.resolve(node.type);
  if (!resolved || !isPlainObject(node.inputs)) return node;
  const type = resolved.node;
  let inputs = renameInputs(id, node.inputs, type, resolved.alias, issues);
  const result: ApiNode = { type: type.type, inputs };
  if (typeof node.title === 'string') result.title = node.title;
  const version = node.version;
  if (version === undefined) return result;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    issues.push(issue('invalid_workflow', `node ${id} has version ${describeFound(version)}; a node version is a positive integer`, { nodeId: id }));
    return { ...result, version };
  }
  if (version > type.version) {
    issues.push(issue('invalid_workflow', `node ${id} was saved by version ${version} of ${type.type}, newer than the installed version ${type.version}; update the pack that provides it`, { nodeId: id, details: { version, installed: type.version } }));
    result.version = version;
    return result;
  }
  if (version < type.version && type.migrate) {
    try {
      const migrated = type.migrate({ ...inputs }, version);
      if (!isPlainObject(migrated)) throw new TypeError(`migrate returned ${describeFound(migrated)} instead of an inputs object`);
      inputs = migrated;
    } catch (error) {
      issues.push(issue('invalid_workflow', `node ${id}: upgrading ${type.type} inputs from version ${version} to ${type.version} failed: ${thrownText(error)}`, { nodeId: id, details: { version, installed: type.version } }));
      result.version = version;
      return result;
    }
  }
  result.inputs = inputs;
  result.version = type.version;
  return result;
}

function renameInputs(id: string, inputs: PlainObject, type: AnyNodeType, alias: NodeAlias | undefined, issues: ValidationIssue[]): PlainObject {
  const declared = new Set(type.inputNames);
  const result: PlainObject = {};
  const origin = new Map<string, string>();
  for (const key of Object.keys(inputs)) {
    // Names are the alias's when the node was written under the alias's type name.
    const name = renameInput(alias, key);
    if (UI_LEFTOVER_INPUTS.has(name) && !declared.has(name)) continue;
    const earlier = origin.get(name);
    if (earlier !== undefined) {
      issues.push(issue('invalid_workflow', `node ${id} gives input "${name}" twice (as "${earlier}" and "${key}"); the value under "${name}" is used`, { nodeId: id, input: name }));
      if (key !== name) continue;
    }
    origin.set(name, key);
    setOwn(result, name, inputs[key]);
  }
  return result;
}
