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

export interface NormalizeOptions {
  /**
   * The caller hands `workflow` over and never reads it again (a check that parsed it itself):
   * nodes already in canonical form are then kept as they are instead of copied, since each
   * copy would only be garbage, and when every node is, the workflow itself is the result.
   * The result is the same either way, object identity aside.
   */
  owned?: boolean;
}

export function normalizeWorkflow(workflow: ApiWorkflow, registry: NodeRegistry, options: NormalizeOptions = {}): NormalizeResult {
  const owned = options.owned === true;
  const issues: ValidationIssue[] = [];
  const raw: unknown = workflow;
  if (!isPlainObject(raw) || !isPlainObject(raw.nodes)) {
    issues.push(issue('invalid_workflow', `expected an API workflow {schemaVersion, nodes}, found ${describeFound(raw)}`));
    return { workflow, issues };
  }
  const source = raw.nodes;
  const ids = Object.keys(source);
  // Owned: the nodes object is only copied from the first node that changes (usually none).
  let nodes: PlainObject | undefined = owned ? undefined : {};
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const node = source[id];
    const result = normalizeNode(id, node, registry, issues, owned);
    if (nodes === undefined) {
      if (result === node) continue;
      nodes = {};
      for (let before = 0; before < i; before++) setOwn(nodes, ids[before]!, source[ids[before]!]);
    }
    setOwn(nodes, id, result);
  }
  if (nodes === undefined) return { workflow, issues };
  return { workflow: { ...workflow, nodes: nodes as Record<string, ApiNode> }, issues };
}

function normalizeNode(id: string, node: unknown, registry: NodeRegistry, issues: ValidationIssue[], owned: boolean): unknown {
  // Malformed nodes and unknown types are left for validation to describe.
  if (!isPlainObject(node) || typeof node.type !== 'string') return node;
  const resolved = registry.resolve(node.type);
  if (!resolved || !isPlainObject(node.inputs)) return node;
  const type = resolved.node;
  if (owned && isCanonical(node, type, resolved.alias)) return node;
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

/**
 * True when normalising `node` would change nothing validation reads: named by its type id,
 * written for the installed version (or none), a string title (or none), and no editor
 * leftover among its inputs.
 */
function isCanonical(node: PlainObject, type: AnyNodeType, alias: NodeAlias | undefined): boolean {
  if (alias !== undefined || node.type !== type.type) return false;
  if (node.version !== undefined && node.version !== type.version) return false;
  if (node.title !== undefined && typeof node.title !== 'string') return false;
  const inputs = node.inputs as PlainObject;
  // for…in walks the keys without an array of them; an inherited key only costs the fast path.
  for (const key in inputs) if (UI_LEFTOVER_INPUTS.has(key) && !type.inputNames.includes(key)) return false;
  return true;
}

function renameInputs(id: string, inputs: PlainObject, type: AnyNodeType, alias: NodeAlias | undefined, issues: ValidationIssue[]): PlainObject {
  const result: PlainObject = {};
  // Only an alias's renames can make two keys one name; without them (most nodes) there is
  // nothing to track, so no Map per node.
  const origin = alias?.inputs ? new Map<string, string>() : undefined;
  for (const key of Object.keys(inputs)) {
    // Names are the alias's when the node was written under the alias's type name.
    const name = renameInput(alias, key);
    if (UI_LEFTOVER_INPUTS.has(name) && !type.inputNames.includes(name)) continue;
    if (origin !== undefined) {
      const earlier = origin.get(name);
      if (earlier !== undefined) {
        issues.push(issue('invalid_workflow', `node ${id} gives input "${name}" twice (as "${earlier}" and "${key}"); the value under "${name}" is used`, { nodeId: id, input: name }));
        if (key !== name) continue;
      }
      origin.set(name, key);
    }
    setOwn(result, name, inputs[key]);
  }
  return result;
}
