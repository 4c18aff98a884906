/**
 * The ONNX writer produces files onnxruntime-node loads and runs with the declared tensor
 * names, element types and dynamic axes, and computes what the graph says: an embedding
 * lookup (the text-encoder stand-in), a 1×1 convolution with weights and bias (the VAE
 * stand-in), int64 inputs, float and negative int attributes. A spec whose data does not fill
 * its dims is refused before anything is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { encodeOnnxModel } from '../../../../engine/models/onnx/model-writer.js';

function close(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-5): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tolerance, `index ${i}: ${actual[i]} vs ${expected[i]}`);
}

test('an embedding lookup model loads with its names, dtypes and dynamic axes, and gathers the right rows', async () => {
  const vocab = 10;
  const width = 4;
  const embedding = Float32Array.from({ length: vocab * width }, (_, i) => Math.sin(i) * 0.8);
  const bytes = encodeOnnxModel({
    name: 'text_encoder',
    inputs: [{ name: 'input_ids', type: 'int32', shape: ['batch', 'sequence'] }],
    outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', width] }],
    initializers: [{ name: 'embedding', type: 'float32', dims: [vocab, width], data: embedding }],
    nodes: [
      { op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['gathered'], attributes: { axis: { int: 0 } } },
      { op: 'Tanh', inputs: ['gathered'], outputs: ['last_hidden_state'] },
    ],
  });
  const session = await ort.InferenceSession.create(bytes);
  try {
    assert.deepEqual(session.inputNames, ['input_ids']);
    assert.deepEqual(session.outputNames, ['last_hidden_state']);
    const [input] = session.inputMetadata as unknown as { name: string; type: string; shape: (number | string)[] }[];
    assert.equal(input!.type, 'int32');
    assert.deepEqual(input!.shape, ['batch', 'sequence']);
    const ids = [1, 3, 9, 0, 0, 2];
    const out = await session.run({ input_ids: new ort.Tensor('int32', Int32Array.from(ids), [2, 3]) });
    const hidden = out.last_hidden_state!;
    assert.deepEqual(hidden.dims, [2, 3, width]);
    const expected = ids.flatMap((id) => Array.from(embedding.subarray(id * width, (id + 1) * width), Math.tanh));
    close(hidden.data as Float32Array, expected);
  } finally {
    await session.release();
  }
});

test('a 1×1 convolution with weights and bias computes the per-pixel channel mix', async () => {
  const weights = Float32Array.from([0.5, -1, 0.25, 2, 0, 1, -0.5, 0.5]); // [out 2][in 4][1][1]
  const bias = Float32Array.from([0.1, -0.2]);
  const bytes = encodeOnnxModel({
    name: 'vae_decoder',
    inputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', 4, 'height', 'width'] }],
    outputs: [{ name: 'sample', type: 'float32', shape: ['batch', 2, 'height', 'width'] }],
    initializers: [
      { name: 'w', type: 'float32', dims: [2, 4, 1, 1], data: weights },
      { name: 'b', type: 'float32', dims: [2], data: bias },
    ],
    nodes: [{ op: 'Conv', inputs: ['latent_sample', 'w', 'b'], outputs: ['sample'], attributes: { kernel_shape: { ints: [1, 1] }, pads: { ints: [0, 0, 0, 0] } } }],
  });
  const session = await ort.InferenceSession.create(bytes);
  try {
    const latent = Float32Array.from({ length: 4 * 2 * 3 }, (_, i) => (i % 5) - 2);
    const out = await session.run({ latent_sample: new ort.Tensor('float32', latent, [1, 4, 2, 3]) });
    const sample = out.sample!;
    assert.deepEqual(sample.dims, [1, 2, 2, 3]);
    const expected: number[] = [];
    for (let o = 0; o < 2; o++) {
      for (let p = 0; p < 6; p++) {
        let sum = bias[o]!;
        for (let c = 0; c < 4; c++) sum += weights[o * 4 + c]! * latent[c * 6 + p]!;
        expected.push(sum);
      }
    }
    close(sample.data as Float32Array, expected);
  } finally {
    await session.release();
  }
});

test('int64 inputs, float attributes and negative int attributes are encoded as onnxruntime reads them', async () => {
  const bytes = encodeOnnxModel({
    name: 'attributes',
    inputs: [
      { name: 'timestep', type: 'int64', shape: [1] },
      { name: 'x', type: 'float32', shape: [2, 3] },
    ],
    outputs: [
      { name: 'scaled', type: 'float32', shape: [1] },
      { name: 'probabilities', type: 'float32', shape: [2, 3] },
    ],
    nodes: [
      { op: 'Cast', inputs: ['timestep'], outputs: ['t_float'], attributes: { to: { int: 1 } } },
      { op: 'LeakyRelu', inputs: ['t_float'], outputs: ['scaled'], attributes: { alpha: { float: 0.25 } } },
      { op: 'Softmax', inputs: ['x'], outputs: ['probabilities'], attributes: { axis: { int: -1 } } },
    ],
  });
  const session = await ort.InferenceSession.create(bytes);
  try {
    const x = Float32Array.from([1, 2, 3, 0, 0, 0]);
    const out = await session.run({ timestep: new ort.Tensor('int64', BigInt64Array.from([-8n]), [1]), x: new ort.Tensor('float32', x, [2, 3]) });
    close(out.scaled!.data as Float32Array, [-2]);
    const e = [1, 2, 3].map(Math.exp);
    const total = e.reduce((a, b) => a + b, 0);
    close(out.probabilities!.data as Float32Array, [...e.map((v) => v / total), 1 / 3, 1 / 3, 1 / 3]);
  } finally {
    await session.release();
  }
});

test('a tensor whose data does not fill its dims is refused with its name', () => {
  assert.throws(
    () => encodeOnnxModel({
      name: 'bad',
      inputs: [{ name: 'x', type: 'float32', shape: [2] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2] }],
      initializers: [{ name: 'weights', type: 'float32', dims: [3, 2], data: new Float32Array(5) }],
      nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }],
    }),
    /tensor weights: 5 values for dims \[3, 2\] \(6 expected\)/,
  );
});
