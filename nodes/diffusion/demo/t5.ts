/**
 * Demo pieces for the T5-XXL text encoder that SD3 and Flux stand-ins share:
 *
 * - `demoT5TokenizerJson()`: a small but genuine SentencePiece Unigram `tokenizer.json` with the
 *   structure of T5's (added tokens, normaliser, Metaspace pre-tokeniser, `</s>` template
 *   post-processor, Metaspace decoder, model {type: "Unigram", unk_id: 2, vocab}). `<pad>`,
 *   `</s>`, `<unk>` are ids 0, 1, 2; then every ASCII letter, digit and punctuation mark with
 *   and without the '▁' word-start mark, a few hundred common prompt words and sub-words, all
 *   with log-probability scores, sorted best first as SentencePiece writes them. Common words
 *   come out as one piece, rare ones as several, non-ASCII characters as `<unk>`. The normaliser
 *   is NFKC + whitespace clean-up (a real file has a "Precompiled" charsmap we cannot produce).
 * - `t5EncoderOnnx()`: a stand-in encoder with the real tensor names — `input_ids` int64
 *   [batch, sequence] → `last_hidden_state` float32 [batch, sequence, hidden] — an embedding
 *   lookup then tanh, like the CLIP stand-in.
 *
 * Deterministic: the same JSON and (for the same seed) the same model bytes every time.
 */
import type { SeededRandom } from '../sampling/noise.js';
import { encodeOnnxModel } from '../../../engine/nodes/index.js';

const WS = '\u2581';

/** Common prompt words, most frequent first (each becomes '▁word'). */
const WORDS = [
  'a', 'the', 'of', 'and', 'in', 'with', 'on', 'an', 'by', 'at', 'to', 'is', 'for', 'from', 'as', 'it', 'its', 'that', 'this',
  'photo', 'picture', 'image', 'portrait', 'painting', 'drawing', 'illustration', 'render', 'art', 'style', 'sketch', 'poster',
  'cat', 'dog', 'horse', 'bird', 'fox', 'wolf', 'lion', 'tiger', 'bear', 'owl', 'fish', 'dragon', 'robot', 'astronaut',
  'man', 'woman', 'girl', 'boy', 'child', 'person', 'people', 'king', 'queen', 'knight', 'wizard', 'warrior', 'princess',
  'city', 'street', 'house', 'castle', 'tower', 'forest', 'tree', 'trees', 'mountain', 'mountains', 'river', 'lake', 'sea',
  'ocean', 'beach', 'island', 'desert', 'field', 'garden', 'flower', 'flowers', 'sky', 'cloud', 'clouds', 'sun', 'moon',
  'star', 'stars', 'space', 'planet', 'night', 'day', 'morning', 'evening', 'sunset', 'sunrise', 'rain', 'snow', 'fog',
  'water', 'fire', 'light', 'shadow', 'shadows', 'road', 'car', 'ship', 'boat', 'train', 'room', 'window', 'door', 'table',
  'chair', 'book', 'cup', 'coffee', 'food', 'apple', 'bread', 'cake', 'face', 'eyes', 'hair', 'hand', 'hands', 'dress',
  'hat', 'armor', 'sword', 'crown', 'wings', 'red', 'blue', 'green', 'yellow', 'orange', 'purple', 'pink', 'black', 'white',
  'gray', 'brown', 'gold', 'golden', 'silver', 'dark', 'bright', 'colorful', 'vibrant', 'soft', 'warm', 'cold', 'old',
  'young', 'new', 'small', 'big', 'large', 'tiny', 'giant', 'beautiful', 'cute', 'happy', 'sad', 'epic', 'magic',
  'magical', 'fantasy', 'futuristic', 'ancient', 'medieval', 'modern', 'cyberpunk', 'steampunk', 'realistic',
  'photorealistic', 'cinematic', 'dramatic', 'detailed', 'highly', 'very', 'ultra', 'high', 'quality', 'best',
  'masterpiece', 'sharp', 'focus', 'lighting', 'studio', 'lens', 'camera', 'shot', 'close', 'up', 'wide', 'angle',
  'view', 'background', 'foreground', 'scene', 'landscape', 'oil', 'watercolor', 'digital', 'concept', 'anime', 'cartoon',
  'pixel', 'vintage', 'film', 'grain', 'bokeh', 'depth', 'volumetric', 'glow', 'glowing', 'neon', 'reflection', 'texture',
  'riding', 'sitting', 'standing', 'walking', 'running', 'flying', 'holding', 'wearing', 'looking', 'reading', 'under',
  'over', 'behind', 'inside', 'outside', 'near', 'above', 'below', 'between', 'one', 'two', 'three', 'full', 'body',
  'text', 'sign', 'says', 'word', 'words', 'logo', 'centered', 'symmetrical', 'minimal', 'simple', 'clean', 'smooth',
  'resolution', 'trending', 'artstation', 'unreal', 'engine', 'octane', 'blender', 'photography', 'macro', 'aerial',
];

/** Sub-words without the word-start mark (word endings and common inner chunks). */
const SUFFIXES = [
  's', 'ing', 'ed', 'er', 'ers', 'est', 'ly', 'y', 'es', 'ness', 'tion', 'ation', 'al', 'ful', 'less', 'ish', 'ment',
  'able', 'ic', 'ous', 'ive', 'en', 'ist', 'ism', 'ity', 'ize', 'ar', 'or', 'an', 'in', 'on', 'at', 'el', 'le', 'st',
  'th', 'ch', 'sh', 'll', 'ss', 'ee', 'oo', 'ou', 'ea', 'ai', 're', 'ro', 'ra', 'ri', 'la', 'li', 'lo', 'ma', 'mi',
  'na', 'ne', 'ni', 'no', 'ta', 'te', 'ti', 'to', 'de', 'di', 'da', 'se', 'si', 'ce', 'ci', 'ge', 'go', 'ph', 'qu',
  'fly', 'man', 'land', 'light', 'scape', 'work', 'berg', 'wood', 'stone', 'ville', 'ton', 'ham', 'ford', 'k',
];

/** Sub-words that start a word ('▁' + chunk). */
const PREFIXES = [
  'un', 're', 'dis', 'over', 'super', 'hyper', 'pre', 'post', 'sub', 'inter', 'semi', 'multi', 'non', 'mis', 'de',
  'ex', 'co', 'pro', 'con', 'com', 'st', 'sh', 'ch', 'th', 'tr', 'br', 'cr', 'gr', 'pl', 'bl', 'fl', 'sp', 'sc', 'sn',
];

/** ASCII punctuation, as characters. */
const PUNCTUATION = [...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const DIGITS = [...'0123456789'];

/** Rounded to 4 places so the JSON stays short and exact. */
function round(score: number): number {
  return Math.round(score * 1e4) / 1e4;
}

/** Every non-special piece with its score (log-probability-like: higher is more common). */
function demoPieces(): [string, number][] {
  const scored = new Map<string, number>();
  const add = (piece: string, score: number): void => {
    const previous = scored.get(piece);
    if (previous === undefined || score > previous) scored.set(piece, round(score));
  };
  add(WS, -2);
  add(',', -3.2);
  add('.', -3.4);
  WORDS.forEach((word, rank) => add(WS + word, -3 - (3 * rank) / WORDS.length));
  SUFFIXES.forEach((piece, rank) => add(piece, -5.5 - (1.5 * rank) / SUFFIXES.length));
  PREFIXES.forEach((piece, rank) => add(WS + piece, -6 - (1.5 * rank) / PREFIXES.length));
  DIGITS.forEach((digit, index) => {
    add(digit, -7.5 - index * 0.01);
    add(WS + digit, -8.5 - index * 0.01);
  });
  PUNCTUATION.forEach((mark, index) => {
    add(mark, -8 - index * 0.01);
    add(WS + mark, -9 - index * 0.01);
  });
  LETTERS.forEach((letter, index) => {
    add(letter, -9 - index * 0.01);
    add(WS + letter, -10 - index * 0.01);
  });
  // Best first, ties broken by piece, as a trained SentencePiece model lists them.
  return [...scored].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function addedToken(id: number, content: string): Record<string, unknown> {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A small but genuine T5-style Unigram `tokenizer.json` (a fresh object on every call). */
export function demoT5TokenizerJson(): object {
  const metaspace = { type: 'Metaspace', replacement: WS, add_prefix_space: true, prepend_scheme: 'always', split: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [addedToken(0, '<pad>'), addedToken(1, '</s>'), addedToken(2, '<unk>')],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFKC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Strip', strip_left: true, strip_right: true },
      ],
    },
    pre_tokenizer: metaspace,
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      pair: [
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '</s>', type_id: 0 } },
      ],
      special_tokens: { '</s>': { id: '</s>', ids: [1], tokens: ['</s>'] } },
    },
    decoder: { ...metaspace },
    model: {
      type: 'Unigram',
      unk_id: 2,
      vocab: [['<pad>', 0], ['</s>', 0], ['<unk>', 0], ...demoPieces()],
      byte_fallback: false,
    },
  };
}

/** The demo tokenizer's vocabulary size (rows of the stand-in encoder's embedding table). */
export function demoT5VocabSize(): number {
  return 3 + demoPieces().length;
}

/**
 * A stand-in T5 encoder: `input_ids` int64 [batch, sequence] → `last_hidden_state` float32
 * [batch, sequence, hidden], tanh of a seeded embedding table of `vocabSize` rows. Keep `hidden`
 * small (32 or so); the real T5-XXL has 4096.
 */
export function t5EncoderOnnx(random: SeededRandom, hidden: number, vocabSize: number): Uint8Array {
  if (!Number.isSafeInteger(hidden) || hidden < 1 || !Number.isSafeInteger(vocabSize) || vocabSize < 1) {
    throw new RangeError(`t5EncoderOnnx needs positive integer sizes, got hidden ${hidden}, vocabSize ${vocabSize}`);
  }
  const embedding = new Float32Array(vocabSize * hidden);
  for (let i = 0; i < embedding.length; i++) embedding[i] = (random.nextFloat() * 2 - 1) * 1.5;
  return encodeOnnxModel({
    name: 'text_encoder_t5',
    inputs: [{ name: 'input_ids', type: 'int64', shape: ['batch', 'sequence'] }],
    outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', hidden] }],
    initializers: [{ name: 'embedding', type: 'float32', dims: [vocabSize, hidden], data: embedding }],
    nodes: [
      { op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['gathered'], attributes: { axis: { int: 0 } } },
      { op: 'Tanh', inputs: ['gathered'], outputs: ['last_hidden_state'] },
    ],
  });
}
