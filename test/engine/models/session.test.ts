/**
 * Opening model components: a stand-in with the real tensor names, ranks and dtypes passes its
 * contract (int32 or int64 ids both accepted); a wrong name, rank or dtype is refused with one
 * error naming the model, component, tensor and expectation, and the session is released; a
 * missing, empty, corrupt or truncated file gives a clear error and the process carries on.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwitchyardError } from '../../../engine/errors.js';
import { openSession } from '../../../engine/models/session.js';
import type { ComponentContract } from '../../../engine/models/contract.js';
import { encodeOnnxModel, type ElementType, type NodeSpec } from '../../../engine/models/onnx/model-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'switchyard-models-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The CLIP text encoder contract (FACTS-MODELS): ids int32 or int64 [B,77] → hidden [B,77,D]. */
const TEXT_ENCODER: ComponentContract = {
  component: 'text_encoder',
  inputs: [{ name: 'input_ids', types: ['int32', 'int64'], ranks: [2] }],
  outputs: [
    { name: 'last_hidden_state', types: ['float32', 'float16'], ranks: [3] },
    { name: 'pooler_output', types: ['float32', 'float16'], ranks: [2], optional: true },
  ],
};

/** A stand-in text encoder: Gather from an embedding, then tanh; names and ranks can be bent for the tests. */
function textEncoder(options: { idsType?: ElementType; idsName?: string; outputName?: string; flatten?: boolean } = {}): Uint8Array {
  const idsType = options.idsType ?? 'int32';
  const ids = options.idsName ?? 'input_ids';
  // Gather takes integer indices: float ids (a wrong export) are cast first.
  const isFloat = idsType === 'float32' || idsType === 'float16' || idsType === 'float64';
  const nodes: NodeSpec[] = [
    ...(isFloat ? [{ op: 'Cast', inputs: [ids], outputs: ['ids_int'], attributes: { to: { int: 7 } } }] : []),
    { op: 'Gather', inputs: ['embedding', isFloat ? 'ids_int' : ids], outputs: ['gathered'], attributes: { axis: { int: 0 } } },
    { op: 'Tanh', inputs: ['gathered'], outputs: [options.flatten ? 'hidden3' : (options.outputName ?? 'last_hidden_state')] },
  ];
  if (options.flatten) nodes.push({ op: 'Flatten', inputs: ['hidden3'], outputs: [options.outputName ?? 'last_hidden_state'], attributes: { axis: { int: 1 } } });
  return encodeOnnxModel({
    name: 'text_encoder',
    inputs: [{ name: options.idsName ?? 'input_ids', type: idsType, shape: ['batch', 77] }],
    outputs: [{ name: options.outputName ?? 'last_hidden_state', type: 'float32', shape: options.flatten ? ['batch', 'flat'] : ['batch', 77, 8] }],
    initializers: [{ name: 'embedding', type: 'float32', dims: [16, 8], data: Float32Array.from({ length: 128 }, (_, i) => Math.cos(i)) }],
    nodes,
  });
}

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function refusal(promise: Promise<unknown>): Promise<SwitchyardError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof SwitchyardError, String(error));
    return error;
  }
  assert.fail('expected a refusal');
}

test('a stand-in with the real names, ranks and dtypes passes; int32 and int64 ids are both accepted', async () => {
  for (const idsType of ['int32', 'int64'] as const) {
    const { session, info } = await openSession('demo-sd15', TEXT_ENCODER, write(`ok-${idsType}.onnx`, textEncoder({ idsType })));
    assert.equal(info.inputs[0]!.type, idsType);
    assert.deepEqual(info.inputs[0]!.shape, ['batch', 77]);
    assert.deepEqual(info.outputs.map((o) => o.name), ['last_hidden_state']);
    await session.release();
  }
});

test('a wrong tensor name, rank or dtype is refused with one error naming model, component, tensor and expectation', async () => {
  const wrongName = await refusal(openSession('my-model', TEXT_ENCODER, write('name.onnx', textEncoder({ idsName: 'tokens' }))));
  assert.equal(wrongName.code, 'model_contract_mismatch');
  assert.match(wrongName.message, /model my-model, component text_encoder: input "input_ids": expected a tensor named "input_ids", found inputs: tokens/);

  const wrongRank = await refusal(openSession('my-model', TEXT_ENCODER, write('rank.onnx', textEncoder({ flatten: true }))));
  assert.match(wrongRank.message, /output "last_hidden_state": expected rank 3, found rank 2/);

  const wrongType = await refusal(openSession('my-model', TEXT_ENCODER, write('type.onnx', textEncoder({ idsType: 'float32' }))));
  assert.match(wrongType.message, /input "input_ids": expected int32 or int64, found float32/);
  assert.deepEqual(wrongType.details.problems, [{ side: 'input', tensor: 'input_ids', problem: 'type', expected: 'int32 or int64', found: 'float32' }]);

  // Two problems at once are both reported.
  const both = await refusal(openSession('my-model', TEXT_ENCODER, write('both.onnx', textEncoder({ idsType: 'float32', outputName: 'hidden' }))));
  assert.equal((both.details.problems as unknown[]).length, 2);
});

test('a missing, empty, corrupt or truncated file gives a clear error and the process carries on', async () => {
  const missing = await refusal(openSession('gone', TEXT_ENCODER, join(dir, 'nope.onnx')));
  assert.equal(missing.code, 'model_not_found');
  assert.match(missing.message, /model gone, component text_encoder: no file at/);

  const empty = await refusal(openSession('empty', TEXT_ENCODER, write('empty.onnx', new Uint8Array(0))));
  assert.match(empty.message, /is empty/);

  const garbage = await refusal(openSession('garbage', TEXT_ENCODER, write('garbage.onnx', Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff))));
  assert.equal(garbage.code, 'model_contract_mismatch');
  assert.match(garbage.message, /onnxruntime could not load it/);

  const full = textEncoder();
  const truncated = await refusal(openSession('truncated', TEXT_ENCODER, write('truncated.onnx', full.subarray(0, Math.floor(full.length * 0.6)))));
  assert.match(truncated.message, /model truncated, component text_encoder: onnxruntime could not load it/);

  // The same bytes, whole, still load afterwards.
  const { session } = await openSession('whole', TEXT_ENCODER, full);
  await session.release();
});
