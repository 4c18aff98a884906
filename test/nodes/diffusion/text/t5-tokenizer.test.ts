/**
 * T5's Unigram tokenizer: Viterbi picks the best-scoring split (not the greedy longest match);
 * characters no piece covers become one merged `<unk>`; normalisation (NFKC, whitespace) and the
 * Metaspace word marks; `encode` appends `</s>`, pads to `maxLength` and reports truncation;
 * control tokens in the prompt are plain text; the demo tokenizer.json loads and splits rare
 * words, not common ones; and files that are not Unigram tokenizers fail with a clear error.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SwitchyardError } from '../../../../engine/errors.js';
import { T5Tokenizer } from '../../../../nodes/diffusion/text/t5-tokenizer.js';
import { demoT5TokenizerJson, demoT5VocabSize } from '../../../../nodes/diffusion/demo/t5.js';

/** A hand-made vocabulary whose best splits are easy to work out on paper. */
function handJson(): object {
  return {
    pre_tokenizer: { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true },
    model: {
      type: 'Unigram',
      unk_id: 2,
      vocab: [
        ['<pad>', 0], // 0
        ['</s>', 0], // 1
        ['<unk>', 0], // 2
        ['\u2581', -1], // 3
        ['\u2581a', -2], // 4
        ['b', -2], // 5
        ['\u2581ab', -5], // 6
        ['c', -3], // 7
        ['bc', -2.5], // 8
        ['d', -1], // 9
        ['dd', -2.5], // 10
        ['\u2581abc', -4], // 11
      ],
    },
  };
}

const hand = (maxLength?: number) => T5Tokenizer.fromTokenizerJson(handJson(), maxLength === undefined ? {} : { maxLength });

test('Viterbi picks the highest total score, not the longest first piece', () => {
  const tokenizer = hand();
  // "▁abd": ▁a+b+d = −2−2−1 = −5 beats ▁ab+d = −5−1 = −6 (greedy longest match would take ▁ab).
  assert.deepEqual(tokenizer.tokenize('abd'), [4, 5, 9]);
  // "▁abcdd": ▁abc+d+d = −4−1−1 = −6; ▁a+bc+d+d = −6.5; ▁abc+dd = −6.5; ▁ab+c+dd = −10.5.
  assert.deepEqual(tokenizer.tokenize('abcdd'), [11, 9, 9]);
  // "▁dd": ▁+d+d = −3 beats ▁+dd = −3.5; "▁bc": ▁+bc = −3.5 beats ▁+b+c = −6.
  assert.deepEqual(tokenizer.tokenize('dd bc'), [3, 9, 9, 3, 8]);
  assert.equal(tokenizer.piece(11), '\u2581abc');
  assert.equal(tokenizer.vocabSize, 12);
});

test('characters no piece covers become <unk>, a run of them one <unk>', () => {
  const tokenizer = hand();
  assert.equal(tokenizer.unkId, 2);
  assert.deepEqual(tokenizer.tokenize('a日本語c'), [4, 2, 7]);
  assert.deepEqual(tokenizer.tokenize('ax😀yb'), [4, 2, 5], 'a surrogate pair is one character');
  assert.deepEqual(tokenizer.tokenize('日 x'), [3, 2, 3, 2], 'runs in different words stay apart');
  // Control tokens in the prompt are text, never the control ids.
  assert.deepEqual(tokenizer.tokenize('</s><pad>'), [3, 2, 9, 2], '"</s><pa" unknown, "d" a piece, ">" unknown');
});

test('normalises with NFKC, collapses whitespace and trims', () => {
  const tokenizer = hand();
  assert.deepEqual(tokenizer.tokenize('  a \t\n  bc  '), tokenizer.tokenize('a bc'));
  assert.deepEqual(tokenizer.tokenize('ａ\u3000ｂｃ'), [4, 3, 8], 'full-width letters and space fold to ASCII');
  assert.deepEqual(tokenizer.tokenize('a\u0007b'), tokenizer.tokenize('ab'), 'control characters are dropped');
  assert.equal(T5Tokenizer.normalize(' \u00a0ﬁne\u2003 day '), 'fine day');
  assert.deepEqual(tokenizer.tokenize(''), []);
  assert.deepEqual(tokenizer.tokenize(' \n '), []);
});

test('encode appends </s> and pads with <pad> to maxLength (256 by default)', () => {
  assert.equal(hand().maxLength, 256);
  const tokenizer = hand(8);
  assert.deepEqual(tokenizer.encode('abd'), { ids: [4, 5, 9, 1, 0, 0, 0, 0], tokenCount: 3, truncated: 0 });
  assert.deepEqual(tokenizer.encode(''), { ids: [1, 0, 0, 0, 0, 0, 0, 0], tokenCount: 0, truncated: 0 });
  const full = hand(4).encode('a a a');
  assert.deepEqual(full, { ids: [4, 4, 4, 1], tokenCount: 3, truncated: 0 }, 'exactly fits: no padding, nothing cut');
});

test('encode truncates the prompt, keeps </s> last and reports how many tokens were cut', () => {
  const encoded = hand(4).encode('a a a a dd');
  assert.deepEqual(encoded.ids, [4, 4, 4, 1]);
  assert.equal(encoded.tokenCount, 7);
  assert.equal(encoded.truncated, 4);
  assert.deepEqual(hand(1).encode('a'), { ids: [1], tokenCount: 1, truncated: 1 });
});

test('the demo tokenizer.json loads; common words are one piece, rare words several', () => {
  const json = demoT5TokenizerJson() as { model: { vocab: [string, number][] } };
  assert.deepEqual(json.model.vocab.slice(0, 3), [['<pad>', 0], ['</s>', 0], ['<unk>', 0]]);
  assert.equal(json.model.vocab.length, demoT5VocabSize());
  assert.deepEqual(demoT5TokenizerJson(), json, 'deterministic');
  const tokenizer = T5Tokenizer.fromTokenizerJson(json, { maxLength: 512 });
  assert.equal(tokenizer.maxLength, 512);
  assert.deepEqual([tokenizer.padId, tokenizer.endId, tokenizer.unkId], [0, 1, 2]);

  const common = tokenizer.tokenize('a photo of a cat, highly detailed');
  assert.deepEqual(common.map((id) => tokenizer.piece(id)), ['▁a', '▁photo', '▁of', '▁a', '▁cat', ',', '▁highly', '▁detailed']);

  for (const rare of ['xylophone', 'Quokka', 'zeppelins']) {
    const ids = tokenizer.tokenize(rare);
    assert.ok(ids.length > 1, `${rare} splits into several pieces`);
    assert.ok(!ids.includes(tokenizer.unkId), `${rare} needs no <unk>`);
    assert.equal(ids.map((id) => tokenizer.piece(id)).join(''), `▁${rare}`);
  }
  assert.deepEqual(tokenizer.tokenize('cats').map((id) => tokenizer.piece(id)), ['▁cat', 's']);
  assert.ok(tokenizer.tokenize('ein schöner Tag').includes(tokenizer.unkId), 'non-ASCII letters are <unk> in the demo');
  const { ids } = tokenizer.encode('a photo of an astronaut riding a horse on the moon');
  assert.equal(ids.length, 512);
  assert.ok(ids.every((id) => id >= 0 && id < demoT5VocabSize()));
});

test('a tokenizer.json that is not a usable Unigram model gives a clear error', () => {
  const clipLike = { model: { type: 'BPE', vocab: { a: 0 }, merges: [] } };
  assert.throws(
    () => T5Tokenizer.fromTokenizerJson(clipLike),
    (error: unknown) => error instanceof SwitchyardError && error.code === 'model_contract_mismatch' && /"BPE".*Unigram/.test(error.message),
  );
  const noType = { model: { vocab: { a: 0 }, merges: ['a b'] } };
  assert.throws(() => T5Tokenizer.fromTokenizerJson(noType), /"BPE".*Unigram/);
  assert.throws(() => T5Tokenizer.fromTokenizerJson('nope'), /expected a JSON object/);
  assert.throws(() => T5Tokenizer.fromTokenizerJson({}), /no "model"/);
  assert.throws(() => T5Tokenizer.fromTokenizerJson({ model: { type: 'Unigram', unk_id: 2, vocab: [] } }), /non-empty array/);
  assert.throws(() => T5Tokenizer.fromTokenizerJson({ model: { type: 'Unigram', unk_id: 0, vocab: [['<pad>', 0], 'x'] } }), /vocab\[1\]/);
  assert.throws(() => T5Tokenizer.fromTokenizerJson({ model: { type: 'Unigram', unk_id: 9, vocab: [['<pad>', 0]] } }), /unk_id/);
  assert.throws(() => T5Tokenizer.fromTokenizerJson({ model: { type: 'Unigram', unk_id: 1, vocab: [['<pad>', 0], ['<unk>', 0]] } }), /no "<\/s>" token/);
  assert.throws(
    () => T5Tokenizer.fromTokenizerJson(handJson(), { maxLength: 0 }),
    (error: unknown) => error instanceof SwitchyardError && error.code === 'invalid_input',
  );
});
