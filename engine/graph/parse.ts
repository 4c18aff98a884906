/**
 * Reads a workflow in any form users bring: our API format `{schemaVersion, nodes}`, ComfyUI's
 * prompt map `{"<id>": {class_type, inputs, _meta}}`, the body of a ComfyUI `POST /prompt`, or
 * a saved editor workflow (converted to the API format). Returns a normalised ApiWorkflow —
 * string link ids, `class_type` → `type`, `_meta.title` → `title`, `{"__value__"}` unwrapped
 * where that cannot be mistaken for a link — or issues saying what was expected and what was
 * found. Never throws; ids such as `__proto__` stay plain keys.
 *
 * Alias type names are kept as written: call `normalizeWorkflow` next for canonical ids.
 */
import type { NodeRegistry } from '../nodes/registry.js';
import { issue, type ValidationIssue } from '../validate/issues.js';
import type { ApiNode, ApiWorkflow } from './api-format.js';
import { convertCheckedSaved, readSavedWorkflow } from './convert.js';
import { locateJsonSyntaxError } from './json-position.js';
import { migrateWorkflowSchema } from './migrate.js';
import type { SavedWorkflow } from './saved-format.js';
import { describeFound, isLinkShaped, isPlainObject, ownValue, setOwn, thrownText, type PlainObject } from './untrusted.js';

export type WorkflowFormat = 'api' | 'saved';

/**
 * `ok: true` means a workflow was produced. Its `issues` are problems conversion found (e.g. a
 * saved link pointing at a missing node) — they still make the workflow invalid, so merge them
 * with validation's. `ok: false` means nothing usable could be read.
 */
export type ParseResult =
  | { ok: true; format: WorkflowFormat; workflow: ApiWorkflow; saved?: SavedWorkflow; issues: ValidationIssue[]; paramRoutes?: Record<string, [string, string][]> }
  | { ok: false; issues: ValidationIssue[] };

const EXPECTED =
  'expected a workflow: an API workflow {"schemaVersion", "nodes": {id: {type, inputs}}}, a ComfyUI prompt {"<id>": {"class_type", "inputs"}}, ' +
  'a ComfyUI /prompt body {"prompt": {...}}, or a saved editor workflow {"nodes": [...], "links": [...]}';

export function parseWorkflow(input: string | unknown, registry: NodeRegistry): ParseResult {
  try {
    if (typeof input !== 'string') return readDocument(input, registry, 0);
    // Editors on some systems prepend a byte-order mark; JSON.parse refuses it.
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { ok: false, issues: [malformedJson(text, error)] };
    }
    return readDocument(value, registry, 0);
  } catch (error) {
    // Only reachable with hostile JS values (throwing getters, proxies), never with JSON.
    return { ok: false, issues: [issue('invalid_workflow', `the workflow could not be read: ${thrownText(error)}`)] };
  }
}

function malformedJson(text: string, error: unknown): ValidationIssue {
  if (text.trim().length === 0) return issue('malformed_json', 'the workflow text is empty; expected JSON');
  const where = locateJsonSyntaxError(text);
  if (!where) return issue('malformed_json', `the workflow is not valid JSON: ${thrownText(error)}`);
  return issue('malformed_json', `the workflow is not valid JSON: at line ${where.line}, column ${where.column}: ${where.reason}`, {
    details: { line: where.line, column: where.column, offset: where.offset },
  });
}

/** True for a ComfyUI/our API node entry; used to tell a node map from a wrapper. */
function looksLikeNode(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  return typeof ownValue(value, 'class_type') === 'string' || (typeof ownValue(value, 'type') === 'string' && Object.hasOwn(value, 'inputs'));
}

function readDocument(value: unknown, registry: NodeRegistry, depth: number): ParseResult {
  if (!isPlainObject(value)) return fail(issue('invalid_workflow', `${EXPECTED}; found ${describeFound(value)}`));
  const nodes = ownValue(value, 'nodes');
  if (Array.isArray(nodes)) return readSaved(value, registry);
  const prompt = ownValue(value, 'prompt');
  if (depth === 0 && isPlainObject(prompt) && !looksLikeNode(prompt)) return readPromptBody(value, prompt, registry);
  if (isPlainObject(nodes) && !looksLikeNode(nodes)) return readWrapped(value);
  if (Object.hasOwn(value, 'schemaVersion')) {
    return fail(issue('invalid_workflow', `the workflow has "schemaVersion" but its "nodes" is ${describeFound(nodes)}; expected an object of node id → {type, inputs}`));
  }
  if (Object.hasOwn(value, 'prompt') && !isPlainObject(prompt)) {
    return fail(issue('invalid_workflow', `"prompt" is ${describeFound(prompt)}; expected an object of node id → {class_type, inputs}`));
  }
  const keys = Object.keys(value);
  if (keys.length > 0 && keys.some((key) => looksLikeNode(value[key]))) {
    const migrated = migrateWorkflowSchema({ nodes: value });
    if (!migrated.ok) return fail(...migrated.issues);
    return readApiNodes(value, migrated.document.schemaVersion as number);
  }
  return fail(issue('invalid_workflow', `${EXPECTED}; found ${describeFound(value)}`));
}

function fail(...issues: ValidationIssue[]): ParseResult {
  return { ok: false, issues };
}

function readSaved(value: PlainObject, registry: NodeRegistry): ParseResult {
  const read = readSavedWorkflow(value);
  if (!read.ok) return fail(...read.issues);
  const converted = convertCheckedSaved(read.saved, registry);
  return { ok: true, format: 'saved', workflow: converted.workflow, saved: read.saved, issues: converted.issues, ...(converted.paramRoutes ? { paramRoutes: converted.paramRoutes } : {}) };
}

function readWrapped(value: PlainObject): ParseResult {
  const migrated = migrateWorkflowSchema(value);
  if (!migrated.ok) return fail(...migrated.issues);
  return readApiNodes(migrated.document.nodes as PlainObject, migrated.document.schemaVersion as number);
}

/** A ComfyUI `POST /prompt` body: the prompt is the workflow; the embedded editor workflow rides along. */
function readPromptBody(body: PlainObject, prompt: PlainObject, registry: NodeRegistry): ParseResult {
  const result = readDocument(prompt, registry, 1);
  if (!result.ok) return result;
  const extraData = ownValue(body, 'extra_data');
  const pngInfo = isPlainObject(extraData) ? ownValue(extraData, 'extra_pnginfo') : undefined;
  const embedded = isPlainObject(pngInfo) ? ownValue(pngInfo, 'workflow') : undefined;
  if (embedded !== undefined) {
    const saved = readSavedWorkflow(embedded);
    // The embedded copy is informational (for history and saved images); a broken one does not block the run.
    if (saved.ok) return { ...result, saved: saved.saved };
  }
  return result;
}

function readApiNodes(source: PlainObject, schemaVersion: number): ParseResult {
  const issues: ValidationIssue[] = [];
  const nodes: PlainObject = {};
  for (const id of Object.keys(source)) {
    const node = readApiNode(id, source[id], issues);
    if (node) setOwn(nodes, id, node);
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, format: 'api', workflow: { schemaVersion, nodes: nodes as Record<string, ApiNode> }, issues };
}

function readApiNode(id: string, entry: unknown, issues: ValidationIssue[]): ApiNode | undefined {
  const before = issues.length;
  if (id.length === 0) issues.push(issue('invalid_workflow', 'a node has an empty id; node ids are non-empty strings'));
  if (!isPlainObject(entry)) {
    issues.push(issue('invalid_workflow', `node ${id}: expected an object {type, inputs}, found ${describeFound(entry)}`, { nodeId: id }));
    return undefined;
  }
  const typeField = ownValue(entry, 'type');
  const classType = ownValue(entry, 'class_type');
  const type = typeof typeField === 'string' && typeField.length > 0 ? typeField : classType;
  if (typeof type !== 'string' || type.length === 0) {
    issues.push(issue('invalid_workflow', `node ${id} has no type: expected "type" (or ComfyUI's "class_type") to name a node type, found ${describeFound(typeField ?? classType)}`, { nodeId: id }));
  } else if (typeof classType === 'string' && classType !== type) {
    issues.push(issue('invalid_workflow', `node ${id} names two types: "type" is ${JSON.stringify(type)} but "class_type" is ${JSON.stringify(classType)}`, { nodeId: id }));
  }
  const rawInputs = ownValue(entry, 'inputs') ?? {};
  const inputs: PlainObject = {};
  if (!isPlainObject(rawInputs)) {
    issues.push(issue('invalid_workflow', `node ${id}: "inputs" must be an object of input name → value or link, found ${describeFound(rawInputs)}`, { nodeId: id }));
  } else {
    // for…in with an own-key check reads the keys in Object.keys order without an array of them.
    for (const name in rawInputs) if (Object.hasOwn(rawInputs, name)) setOwn(inputs, name, normalizeInputValue(rawInputs[name]));
  }
  const version = ownValue(entry, 'version');
  if (version !== undefined && (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)) {
    issues.push(issue('invalid_workflow', `node ${id}: "version" must be a positive integer, found ${describeFound(version)}`, { nodeId: id }));
  }
  const title = readTitle(id, entry, issues);
  if (issues.length > before) return undefined;
  const node: ApiNode = { type: type as string, inputs };
  if (version !== undefined) node.version = version as number;
  if (title !== undefined) node.title = title;
  return node;
}

function readTitle(id: string, entry: PlainObject, issues: ValidationIssue[]): string | undefined {
  const title = ownValue(entry, 'title');
  if (typeof title === 'string') return title;
  if (title !== undefined && title !== null) {
    issues.push(issue('invalid_workflow', `node ${id}: "title" must be a string, found ${describeFound(title)}`, { nodeId: id }));
    return undefined;
  }
  const meta = ownValue(entry, '_meta');
  const metaTitle = isPlainObject(meta) ? ownValue(meta, 'title') : undefined;
  return typeof metaTitle === 'string' ? metaTitle : undefined;
}

/**
 * Links with numeric node ids get string ids; `{"__value__": x}` becomes `x` unless `x` would
 * then read as a link (the wrapper is the only thing keeping it a literal). A link already in
 * that form is returned as it is, like any literal: parsing copies a workflow's objects, not
 * its values, and a copy of every link would only be one more object per link to collect.
 */
export function normalizeInputValue(value: unknown): unknown {
  if (isLinkShaped(value)) return typeof value[0] === 'string' ? value : [String(value[0]), value[1]];
  if (isPlainObject(value) && Object.hasOwn(value, '__value__') && Object.keys(value).length === 1) {
    const inner = value.__value__;
    return isLinkShaped(inner) ? value : inner;
  }
  return value;
}
