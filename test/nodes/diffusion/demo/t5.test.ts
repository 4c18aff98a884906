/**
 * The stand-in T5 encoder: onnxruntime loads it; it has exactly the real export's tensor names,
 * element types and ranks (`input_ids` int64 [batch, sequence] → `last_hidden_state` float32
 * [batch, sequence, hidden]); it runs on the demo tokenizer's ids at any sequence length; the
 * prompt moves its output; and the same seed gives the same bytes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import ort from 'onnxruntime-node';
import { sessionInfo } from '../../../../engine/models/session.js';
import { demoT5TokenizerJson, demoT5VocabSize, t5EncoderOnnx } from '../../../../nodes/diffusion/demo/t5.js';
import { SeededRandom } from '../../../../nodes/diffusion/sampling/noise.js';
import { T5Tokenizer } from '../../../../nodes/diffusion/text/t5-tokenizer.js';

const HIDDEN = 32;

test('the stand-in T5 encoder has the real tensor contract and runs on demo-tokenizer ids', async () => {
  const bytes = t5EncoderOnnx(new SeededRandom(3), HIDDEN, demoT5VocabSize());
  assert.ok(Buffer.from(t5EncoderOnnx(new SeededRandom(3), HIDDEN, demoT5VocabSize())).equals(Buffer.from(bytes)), 'deterministic');
  assert.ok(bytes.length < 256 * 1024, `tiny (${bytes.length} bytes)`);

  const session = await ort.InferenceSession.create(bytes);
  try {
    assert.deepEqual(session.inputNames, ['input_ids']);
    assert.deepEqual(session.outputNames, ['last_hidden_state']);
    const info = sessionInfo(session);
    assert.equal(info.inputs[0]!.type, 'int64');
    assert.equal(info.inputs[0]!.shape.length, 2);
    assert.equal(info.outputs[0]!.type, 'float32');
    assert.equal(info.outputs[0]!.shape.length, 3);
    assert.equal(info.outputs[0]!.shape[2], HIDDEN);

    for (const maxLength of [256, 512]) {
      const tokenizer = T5Tokenizer.fromTokenizerJson(demoT5TokenizerJson(), { maxLength });
      const embed = async (prompt: string): Promise<Float32Array> => {
        const { ids } = tokenizer.encode(prompt);
        const out = await session.run({ input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, maxLength]) });
        const hidden = out.last_hidden_state!;
        assert.equal(hidden.type, 'float32');
        assert.deepEqual(hidden.dims, [1, maxLength, HIDDEN]);
        return hidden.data as Float32Array;
      };
      const cat = await embed('a photo of a cat');
      const fox = await embed('a watercolor fox in the snow');
      assert.ok(cat.every((v) => Number.isFinite(v) && v >= -1 && v <= 1));
      assert.notDeepEqual(Array.from(cat), Array.from(fox), 'the prompt moves the output');
    }
  } finally {
    await session.release();
  }
});

test('t5EncoderOnnx refuses sizes that are not positive integers', () => {
  assert.throws(() => t5EncoderOnnx(new SeededRandom(1), 0, 10), RangeError);
  assert.throws(() => t5EncoderOnnx(new SeededRandom(1), 32, 1.5), RangeError);
});
