/**
 * How a node's failure is reported: the thrown value becomes a SwitchyardError (`node_failed`
 * wrapping it, or the node's own code when it threw a SwitchyardError such as `invalid_image`),
 * with short descriptions of the inputs it got — never whole tensors.
 */
import { SwitchyardError } from '../errors.js';
import { isImageValue, isMaskValue } from '../nodes/values.js';
import type { NodeRunError } from './types.js';

const MAX_TEXT = 60;

/** A short human description of an input value. */
export function summarizeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined': return 'empty';
    case 'number': case 'boolean': case 'bigint': return String(value);
    case 'string': return JSON.stringify(value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value);
    case 'function': return 'lazy input';
    case 'symbol': return String(value);
  }
  if (value === null) return 'null';
  if (isImageValue(value)) return `IMAGE ${value.count}x${value.height}x${value.width}`;
  if (isMaskValue(value)) return `MASK ${value.count}x${value.height}x${value.width}`;
  if (ArrayBuffer.isView(value)) {
    const length = (value as unknown as { length?: number }).length;
    return `${value.constructor.name}(${length ?? value.byteLength})`;
  }
  if (Array.isArray(value)) return `array of ${value.length}`;
  const record = value as { kind?: unknown; samples?: { dims?: unknown } };
  if (record.kind === 'latent' && Array.isArray(record.samples?.dims)) return `LATENT ${(record.samples.dims as number[]).join('x')}`;
  if (typeof record.kind === 'string') return `${record.kind} value`;
  const name = (value as object).constructor?.name;
  return name && name !== 'Object' ? `a ${name}` : 'an object';
}

export function summarizeInputs(inputs: Readonly<Record<string, unknown>>): Record<string, string> {
  const summary: Record<string, string> = {};
  for (const name of Object.keys(inputs)) summary[name] = summarizeValue(inputs[name]);
  return summary;
}

/** The SwitchyardError a node failure is reported as. */
export function wrapNodeError(nodeId: string, nodeType: string, thrown: unknown): SwitchyardError {
  if (thrown instanceof SwitchyardError) {
    if (thrown.code === 'node_output_invalid') return thrown;
    const code = thrown.code === 'internal' ? 'node_failed' : thrown.code;
    return new SwitchyardError(code, `node ${nodeId} (${nodeType}): ${thrown.message}`, { ...thrown.details, nodeId, nodeType }, { cause: thrown });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  const name = thrown instanceof Error ? thrown.name : typeof thrown;
  return new SwitchyardError('node_failed', `node ${nodeId} (${nodeType}) failed: ${message}`, { nodeId, nodeType, name }, { cause: thrown });
}

export function toNodeRunError(nodeId: string, nodeType: string, thrown: unknown, inputs: Readonly<Record<string, unknown>>): NodeRunError {
  const error = wrapNodeError(nodeId, nodeType, thrown);
  const stack = thrown instanceof Error ? thrown.stack : undefined;
  return { nodeId, nodeType, code: error.code, message: error.message, details: error.details, inputs: summarizeInputs(inputs), stack };
}
