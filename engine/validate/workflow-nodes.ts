/**
 * Reads an (untrusted) API workflow into indexed node records without trusting its shape:
 * ids into a Map (so ids like `__proto__` or `constructor` are plain ids), inputs into Maps,
 * and a node that is not `{type, inputs}` becomes a record with a structural problem instead
 * of an exception.
 */
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
  inputs: Map<string, unknown>;
  /** Why the node is not a node (missing type, inputs not an object, …); undefined when fine. */
  malformed?: string;
}

export interface ReadWorkflow {
  nodes: NodeRecord[];
  indexById: Map<string, number>;
  schemaVersion?: number;
  /** Set when the workflow itself is not an object with a `nodes` object. */
  problem?: string;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value);
}

export function readWorkflow(workflow: unknown, registry: NodeRegistry): ReadWorkflow {
  const result: ReadWorkflow = { nodes: [], indexById: new Map() };
  let entries: [string, unknown][];
  try {
    if (!isPlainRecord(workflow)) return { ...result, problem: 'the workflow is not an object with a "nodes" object' };
    const schemaVersion = workflow.schemaVersion;
    if (Number.isSafeInteger(schemaVersion) && (schemaVersion as number) > 0) result.schemaVersion = schemaVersion as number;
    if (!isPlainRecord(workflow.nodes)) return { ...result, problem: 'the workflow has no "nodes" object (node id → {type, inputs})' };
    entries = Object.entries(workflow.nodes);
  } catch (error) {
    return { ...result, problem: `the workflow could not be read: ${thrownMessage(error)}` };
  }
  for (const [id, raw] of entries) {
    const record = readNode(id, raw, registry);
    record.index = result.nodes.length;
    result.indexById.set(id, record.index);
    result.nodes.push(record);
  }
  return result;
}

function readNode(id: string, raw: unknown, registry: NodeRegistry): NodeRecord {
  const record: NodeRecord = { id, index: 0, typeName: '', inputs: new Map() };
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
    if (raw.inputs !== undefined) {
      if (isPlainRecord(raw.inputs)) record.inputs = new Map(Object.entries(raw.inputs));
      else record.malformed ??= '"inputs" is not an object (input name → value or link)';
    }
  } catch (error) {
    record.malformed = `could not be read: ${thrownMessage(error)}`;
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
