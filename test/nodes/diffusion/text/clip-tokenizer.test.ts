/**
 * The CLIP tokenizer on a small vocabulary built here (every byte-level character with and
 * without `</w>`, plus a few merges), with expectations worked out by hand: lower-casing,
 * CLIP's word split (letters, single digits, punctuation runs), BPE by merge rank, multi-byte
 * characters, framing to 77 with start/end/padding, truncation reported, tokenizer.json input,
 * and prompt weighting syntax.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BYTE_TO_CHAR } from '../../../../nodes/diffusion/text/byte-unicode.js';
import { ClipTokenizer, END_TOKEN, START_TOKEN } from '../../../../nodes/diffusion/text/clip-tokenizer.js';
import { parsePromptWeights } from '../../../../nodes/diffusion/text/prompt-weights.js';
import { encodeWeighted } from '../../../../nodes/diffusion/text/weighted-encode.js';

const MERGES = ['#version: 0.2', 'h e', 'l l', 'he ll', 'hell o</w>', 'w o', 'wo r', 'wor l', 'worl d</w>'];
const vocab: Record<string, number> = {};
BYTE_TO_CHAR.forEach((char, byte) => {
  vocab[char] = 2 * byte;
  vocab[`${char}</w>`] = 2 * byte + 1;
});
['he', 'll', 'hell', 'hello</w>', 'wo', 'wor', 'worl', 'world</w>', START_TOKEN, END_TOKEN].forEach((token, i) => {
  vocab[token] = 512 + i;
});
const HELLO = 515;
const WORLD = 519;
const START = 520;
const END = 521;
const char = (c: string, end = true) => 2 * c.charCodeAt(0) + (end ? 1 : 0);

const tokenizer = new ClipTokenizer({ vocab, merges: MERGES });

test('words are lower-cased, split as CLIP splits them, and merged by rank', () => {
  assert.deepEqual(tokenizer.tokenize('Hello,   HELLO world!'), [HELLO, char(','), HELLO, WORLD, char('!')]);
  // No merge applies: one token per character, the last marked as the word end.
  assert.deepEqual(tokenizer.tokenize('hi'), [char('h', false), char('i')]);
  // Digits are words of one; a punctuation run is one word.
  assert.deepEqual(tokenizer.tokenize('2024?!'), [char('2'), char('0'), char('2'), char('4'), char('?', false), char('!')]);
  // "é" is two UTF-8 bytes, each a byte-level character.
  assert.deepEqual(tokenizer.tokenize('é'), [2 * 0xc3, 2 * 0xa9 + 1]);
  assert.deepEqual(tokenizer.tokenize("it's"), [char('i', false), char('t'), char("'", false), char('s')]);
});

test('encode frames to 77: start, tokens, end, then padding (the end token unless told otherwise)', () => {
  const { ids, tokenCount, truncated } = tokenizer.encode('hello world');
  assert.equal(ids.length, 77);
  assert.deepEqual(ids.slice(0, 5), [START, HELLO, WORLD, END, END]);
  assert.equal(tokenCount, 2);
  assert.equal(truncated, 0);
  const sd2 = new ClipTokenizer({ vocab, merges: MERGES }, { padToken: '!' });
  assert.deepEqual(sd2.encode('hello').ids.slice(0, 4), [START, HELLO, END, char('!', false)]);
  assert.deepEqual(tokenizer.encode('').ids.slice(0, 3), [START, END, END]);
});

test('a long prompt keeps 75 tokens, ends with the end token, and reports what was cut', () => {
  const { ids, tokenCount, truncated } = tokenizer.encode(Array.from({ length: 80 }, () => 'hello').join(' '));
  assert.equal(ids.length, 77);
  assert.equal(ids[76], END);
  assert.equal(tokenCount, 80);
  assert.equal(truncated, 5);
});

test('a tokenizer.json with the same BPE gives the same ids', () => {
  const fromJson = ClipTokenizer.fromTokenizerJson({ model: { type: 'BPE', vocab, merges: MERGES.slice(1).map((m) => m.split(' ')) } });
  assert.deepEqual(fromJson.encode('Hello, world!').ids, tokenizer.encode('Hello, world!').ids);
  assert.throws(() => ClipTokenizer.fromTokenizerJson({}), /no BPE model/);
});

test('prompt weighting: (x) ×1.1, ((x)) ×1.21, (x:1.5), [x] ÷1.1, escapes and unmatched brackets are text', () => {
  const near = (segments: { text: string; weight: number }[]) => segments.map((s) => [s.text, Math.round(s.weight * 10000) / 10000]);
  assert.deepEqual(near(parsePromptWeights('a (cat) on ((grass)) with [noise]')), [['a ', 1], ['cat', 1.1], [' on ', 1], ['grass', 1.21], [' with ', 1], ['noise', 0.9091]]);
  assert.deepEqual(near(parsePromptWeights('(red hat:1.5), (blue:0.5)')), [['red hat', 1.5], [', ', 1], ['blue', 0.5]]);
  assert.deepEqual(near(parsePromptWeights('((big:1.2) dog)')), [['big', 1.32], [' dog', 1.1]]);
  assert.deepEqual(near(parsePromptWeights('smile \\(happy\\)')), [['smile (happy)', 1]]);
  assert.deepEqual(near(parsePromptWeights('open (paren')), [['open (paren', 1]]);
  assert.deepEqual(near(parsePromptWeights('a) b]')), [['a) b]', 1]]);
  assert.deepEqual(near(parsePromptWeights('score_9, score_8_up')), [['score_9, score_8_up', 1]]);
});

test('weighted encoding gives each token its segment weight; start, end and padding weigh 1', () => {
  const { ids, weights } = encodeWeighted(tokenizer, '(hello:1.3) world');
  assert.deepEqual(ids.slice(0, 4), [START, HELLO, WORLD, END]);
  assert.deepEqual(weights.slice(0, 4), [1, 1.3, 1, 1]);
  assert.equal(weights.length, 77);
  assert.ok(weights.slice(4).every((w) => w === 1));
});
