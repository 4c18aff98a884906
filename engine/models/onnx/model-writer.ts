/**
 * Writes ONNX model files (ModelProto, IR version 8, opset 17 by default) from plain typed data:
 * graph inputs and outputs with their element types and shapes (numbers, or names for dynamic
 * axes), initializers, nodes with attributes, metadata. It exists so the project can generate
 * tiny stand-ins with exactly the tensor names, ranks and dtypes of real exports (demo models,
 * contract tests) without Python; onnxruntime-node loads what it writes.
 *
 * Field numbers follow onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto, TypeProto, TensorShapeProto).
 */
import { ProtoWriter } from './protobuf.js';

/** Element types, named as onnxruntime-node's `Tensor.type` names them. */
export type ElementType = 'float32' | 'float16' | 'float64' | 'int8' | 'uint8' | 'int16' | 'int32' | 'int64' | 'bool';

/** TensorProto.DataType codes. */
export const ONNX_DATA_TYPES: Readonly<Record<ElementType, number>> = {
  float32: 1, uint8: 2, int8: 3, int16: 5, int32: 6, int64: 7, bool: 9, float16: 10, float64: 11,
};

export type TensorData = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array | BigInt64Array | Uint16Array;

export interface TensorSpec {
  name: string;
  type: ElementType;
  dims: readonly number[];
  /** Row-major values; float16 as raw Uint16Array bits, bool as Uint8Array of 0/1. */
  data: TensorData;
}

export interface ValueSpec {
  name: string;
  type: ElementType;
  /** One entry per axis: a size, or a name for a dynamic axis ("batch", "sequence"). */
  shape: readonly (number | string)[];
}

export type AttributeSpec =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string }
  | { tensor: TensorSpec };

export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  domain?: string;
  attributes?: Readonly<Record<string, AttributeSpec>>;
}

export interface ModelSpec {
  /** The graph's name. */
  name: string;
  inputs: readonly ValueSpec[];
  outputs: readonly ValueSpec[];
  nodes: readonly NodeSpec[];
  initializers?: readonly TensorSpec[];
  /** Default 17. */
  opset?: number;
  /** Default 8 (what onnxruntime 1.x reads for opset 17). */
  irVersion?: number;
  producer?: string;
  /** `metadata_props`: read back through the session's metadata. */
  metadata?: Readonly<Record<string, string>>;
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((product, dim) => product * dim, 1);
}

function tensorProto(tensor: TensorSpec): ProtoWriter {
  const expected = elementCount(tensor.dims);
  if (tensor.data.length !== expected) {
    throw new RangeError(`tensor ${tensor.name}: ${tensor.data.length} values for dims [${tensor.dims.join(', ')}] (${expected} expected)`);
  }
  const proto = new ProtoWriter().packedInts(1, tensor.dims).int(2, ONNX_DATA_TYPES[tensor.type]).string(8, tensor.name);
  // raw_data: little-endian bytes of the values (every typed array here is little-endian on the platforms Node runs on).
  const raw = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
  return proto.bytes(9, raw);
}

function valueInfo(value: ValueSpec): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of value.shape) {
    const dimension = typeof dim === 'number' ? new ProtoWriter().int(1, dim) : new ProtoWriter().string(2, dim);
    shape.message(1, dimension);
  }
  const tensorType = new ProtoWriter().int(1, ONNX_DATA_TYPES[value.type]).message(2, shape);
  const type = new ProtoWriter().message(1, tensorType);
  return new ProtoWriter().string(1, value.name).message(2, type);
}

function attribute(name: string, spec: AttributeSpec): ProtoWriter {
  const proto = new ProtoWriter().string(1, name);
  if ('int' in spec) return proto.int(3, spec.int).int(20, 2);
  if ('float' in spec) return proto.float(2, spec.float).int(20, 1);
  if ('ints' in spec) return proto.packedInts(8, spec.ints).int(20, 7);
  if ('floats' in spec) return proto.packedFloats(7, spec.floats).int(20, 6);
  if ('string' in spec) return proto.string(4, spec.string).int(20, 3);
  return proto.message(5, tensorProto(spec.tensor)).int(20, 4);
}

function nodeProto(node: NodeSpec, index: number): ProtoWriter {
  const proto = new ProtoWriter();
  for (const input of node.inputs) proto.string(1, input);
  for (const output of node.outputs) proto.string(2, output);
  proto.string(3, node.name ?? `${node.op}_${index}`).string(4, node.op);
  for (const [name, spec] of Object.entries(node.attributes ?? {})) proto.message(5, attribute(name, spec));
  if (node.domain) proto.string(7, node.domain);
  return proto;
}

/** The bytes of an `.onnx` file for `spec`. */
export function encodeOnnxModel(spec: ModelSpec): Uint8Array {
  const graph = new ProtoWriter();
  spec.nodes.forEach((node, index) => graph.message(1, nodeProto(node, index)));
  graph.string(2, spec.name);
  for (const tensor of spec.initializers ?? []) graph.message(5, tensorProto(tensor));
  for (const input of spec.inputs) graph.message(11, valueInfo(input));
  for (const output of spec.outputs) graph.message(12, valueInfo(output));

  const model = new ProtoWriter()
    .int(1, spec.irVersion ?? 8)
    .string(2, spec.producer ?? 'switchyard')
    .string(3, '1')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').int(2, spec.opset ?? 17));
  for (const [key, value] of Object.entries(spec.metadata ?? {})) model.message(14, new ProtoWriter().string(1, key).string(2, value));
  return model.finish();
}
