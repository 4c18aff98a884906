/**
 * Reads an (untrusted) API workflow into indexed node records without trusting its shape:
 * ids into positions (ids like `__proto__` or `constructor` are plain ids), each node's inputs
 * into a snapshot of names and values (read once, so a throwing getter makes that node
 * malformed here instead of failing a later step), and a node that is not `{type, inputs}`
 * becomes a record with a structural problem instead of an exception.
 */
import { nodePositions, type NodePositions } from '../graph/node-positions.js';
import type { AnyNodeType } from '../nodes/define.js';
import type { NodeRegistry } from '../nodes/registry.js';
import { clip, thrownMessage } from './format.js';

export interface NodeRecord {
  id: string;
  index: number;
  /** The type name as written ('' when missing or not a string). */
  typeName: string;
  /** Undefined for an unknown type or a malformed node. */
  nodeType?: AnyNodeType;
  title?: string;
  version?: number;
  /**
   * The node's own enumerable inputs as written, in order: positions `inputStart .. inputEnd)`
   * of the workflow's `inputNames` and `inputValues`. Flat arrays for the whole workflow rather
   * than a Map (or two arrays) per node: validation reads every node of every run, and a node
   * has a handful of inputs, so a scan is as quick as a lookup and allocates far less.
   */
  inputStart: number;
  inputEnd: number;
  /** Why the node is not a node (missing type, inputs not an object, …); undefined when fine. */
  malformed?: string;
}

export interface ReadWorkflow {
  nodes: NodeRecord[];
  indexById: NodePositions;
  /** Every node's written input names and values, node after node (see NodeRecord.inputStart). */
  inputNames: string[];
  inputValues: unknown[];
  schemaVersion?: number;
  /** Set when the workflow itself is not an object with a `nodes` object. */
  problem?: string;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

const NO_POSITIONS: NodePositions = nodePositions([]);

export function readWorkflow(workflow: unknown, registry: NodeRegistry): ReadWorkflow {
  const result: ReadWorkflow = { nodes: [], indexById: NO_POSITIONS, inputNames: [], inputValues: [] };
  let ids: string[];
  let values: unknown[];
  try {
    if (!isPlainRecord(workflow)) return { ...result, problem: 'the workflow is not an object with a "nodes" object' };
    const schemaVersion = workflow.schemaVersion;
    if (Number.isSafeInteger(schemaVersion) && (schemaVersion as number) > 0) result.schemaVersion = schemaVersion as number;
    if (!isPlainRecord(workflow.nodes)) return { ...result, problem: 'the workflow has no "nodes" object (node id → {type, inputs})' };
    // Every node is read here, inside the try (as Object.entries would), without a pair array per node.
    const nodes = workflow.nodes;
    ids = Object.keys(nodes);
    values = ownValues(nodes, ids);
  } catch (error) {
    return { ...result, problem: `the workflow could not be read: ${thrownMessage(error)}` };
  }
  result.indexById = nodePositions(ids);
  result.nodes = new Array<NodeRecord>(ids.length);
  for (let index = 0; index < ids.length; index++) result.nodes[index] = readNode(ids[index]!, index, values[index], registry, result);
  return result;
}

/** The values of `names` (the object's own keys), read once in order: Object.entries without its pair arrays. */
function ownValues(object: Record<string, unknown>, names: readonly string[]): unknown[] {
  const values = new Array<unknown>(names.length);
  for (let i = 0; i < names.length; i++) values[i] = object[names[i]!];
  return values;
}

/** The value of the input `name` as written, or undefined when the node does not give it. */
export function inputValue(read: ReadWorkflow, record: NodeRecord, name: string): unknown {
  const names = read.inputNames;
  for (let at = record.inputStart; at < record.inputEnd; at++) if (names[at] === name) return read.inputValues[at];
  return undefined;
}

function readNode(id: string, index: number, raw: unknown, registry: NodeRegistry, read: ReadWorkflow): NodeRecord {
  const { inputNames, inputValues } = read;
  const start = inputNames.length;
  // Every field set up front: one object shape for all records.
  const record: NodeRecord = {
    id, index, typeName: '', nodeType: undefined, title: undefined, version: undefined,
    inputStart: start, inputEnd: start, malformed: undefined,
  };
  try {
    if (!isPlainRecord(raw)) {
      record.malformed = 'is not a node object ({type, inputs})';
      return record;
    }
    if (typeof raw.type !== 'string' || raw.type.length === 0) {
      record.malformed = 'has no type (a node needs "type": "<node type id>")';
    } else {
      record.typeName = raw.type;
      record.nodeType = registry.get(raw.type);
    }
    if (typeof raw.title === 'string') record.title = raw.title;
    if (Number.isSafeInteger(raw.version) && (raw.version as number) > 0) record.version = raw.version as number;
    const inputs = raw.inputs;
    if (inputs !== undefined) {
      if (isPlainRecord(inputs)) {
        // for…in with an own-key check: Object.keys order, without a key array per node.
        for (const name in inputs) {
          if (!Object.hasOwn(inputs, name)) continue;
          inputNames.push(name);
          inputValues.push(inputs[name]);
        }
        record.inputEnd = inputNames.length;
      } else record.malformed ??= '"inputs" is not an object (input name → value or link)';
    }
  } catch (error) {
    record.malformed = `could not be read: ${thrownMessage(error)}`;
    // A node whose inputs could not all be read has none.
    inputNames.length = start;
    inputValues.length = start;
    record.inputEnd = start;
  }
  if (record.malformed !== undefined) record.nodeType = undefined;
  return record;
}

/** `Node 5 "Blur" (image.blur)`: how messages name a node. */
export function nodeLabel(record: NodeRecord): string {
  const id = /^[\w.:-]+$/.test(record.id) ? clip(record.id) : JSON.stringify(clip(record.id));
  const rawTitle = record.title ?? record.nodeType?.title;
  const title = rawTitle === undefined ? undefined : clip(rawTitle);
  const type = record.typeName === '' ? '' : ` (${clip(record.typeName)})`;
  return `Node ${id}${title !== undefined && title !== record.typeName ? ` ${JSON.stringify(title)}` : ''}${type}`;
}
