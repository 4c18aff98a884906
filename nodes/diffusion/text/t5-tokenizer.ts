/**
 * T5's tokenizer (the T5-XXL text encoder of SD3 and Flux), written in the project: a
 * SentencePiece Unigram model read from a Hugging Face `tokenizer.json` (model.type "Unigram":
 * `vocab` is [piece, log-probability] pairs, `unk_id`). `encode` appends `</s>` and pads with
 * `<pad>` to `maxLength` (256 for SD3 and Flux schnell, 512 for Flux dev), truncating the prompt
 * so `</s>` stays last and reporting how many tokens were cut so the caller can warn.
 *
 * Steps, as SentencePiece / `tokenizers` do them:
 * 1. Normalise. Real T5 files carry a "Precompiled" charsmap (SentencePiece's nmt_nfkc rules),
 *    which we do not decode. We approximate it with NFKC, dropping control characters, collapsing
 *    whitespace runs to one space and trimming — identical for ordinary prompts; exotic
 *    characters the charsmap special-cases (a few zero-width and compatibility forms) may differ.
 * 2. Pre-tokenise (Metaspace): spaces become '▁' (U+2581) and '▁' is prepended, so every word
 *    starts with '▁'. Pieces never hold '▁' except at their start, so each word is segmented on
 *    its own (and cached).
 * 3. Segment (Viterbi): the split of the word into vocabulary pieces with the highest total
 *    score. A character no single piece covers becomes `<unk>` with score min − 10 (as
 *    SentencePiece), and consecutive `<unk>`s merge into one. Control tokens (`<pad>`, `</s>`,
 *    `<unk>` and special added tokens) never match prompt text, so a prompt cannot inject them.
 */

import { SwitchyardError } from '../../../engine/errors.js';

export interface T5TokenizerOptions {
  /** Length of `encode`'s ids, `</s>` and padding included. Default 256. */
  maxLength?: number;
}

export interface T5Encoded {
  /** Exactly `maxLength` ids: prompt tokens, `</s>`, `<pad>`s. */
  ids: number[];
  /** Prompt tokens before truncation (without `</s>`). */
  tokenCount: number;
  /** Prompt tokens cut off to fit. */
  truncated: number;
}

export const T5_PAD_TOKEN = '<pad>';
export const T5_END_TOKEN = '</s>';
export const T5_UNK_TOKEN = '<unk>';
export const METASPACE = '\u2581';

/** SentencePiece's penalty for an unknown character, below the lowest piece score. */
const UNK_PENALTY = 10;
/** Words kept in the segmentation cache before it is cleared (bounds memory on odd input). */
const CACHE_LIMIT = 20_000;

/** A trie node over UTF-16 code units: `id` is the piece ending here, or -1. */
interface TrieNode {
  id: number;
  children: Map<number, TrieNode> | undefined;
}

function newNode(): TrieNode {
  return { id: -1, children: undefined };
}

function invalid(message: string, details: Record<string, unknown> = {}): SwitchyardError {
  return new SwitchyardError('model_contract_mismatch', `T5 tokenizer.json: ${message}`, details);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class T5Tokenizer {
  readonly maxLength: number;
  readonly padId: number;
  readonly endId: number;
  readonly unkId: number;
  private readonly pieces: readonly string[];
  private readonly scores: Float64Array;
  private readonly unkScore: number;
  private readonly root = newNode();
  private readonly replacement: string;
  private readonly prependSpace: boolean;
  private readonly cache = new Map<string, readonly number[]>();

  private constructor(
    vocab: readonly (readonly [string, number])[],
    unkId: number,
    options: { maxLength: number; replacement: string; prependSpace: boolean; unmatchable: ReadonlySet<string> },
  ) {
    this.maxLength = options.maxLength;
    this.replacement = options.replacement;
    this.prependSpace = options.prependSpace;
    this.pieces = vocab.map(([piece]) => piece);
    this.scores = Float64Array.from(vocab, ([, score]) => score);
    this.unkId = unkId;
    const idOf = new Map<string, number>();
    let minScore = Infinity;
    vocab.forEach(([piece, score], id) => {
      if (!idOf.has(piece)) idOf.set(piece, id);
      if (score < minScore) minScore = score;
    });
    this.unkScore = minScore - UNK_PENALTY;
    const find = (token: string): number => {
      const id = idOf.get(token);
      if (id === undefined) throw invalid(`the vocabulary has no ${JSON.stringify(token)} token`, { token });
      return id;
    };
    this.padId = find(T5_PAD_TOKEN);
    this.endId = find(T5_END_TOKEN);
    const unmatchable = new Set([...options.unmatchable, T5_PAD_TOKEN, T5_END_TOKEN, this.pieces[unkId]!]);
    for (const [piece, id] of idOf) {
      if (piece === '' || unmatchable.has(piece)) continue;
      this.insert(piece, id);
    }
  }

  /**
   * Reads a Hugging Face `tokenizer.json` with a Unigram model (T5's `tokenizer.json`, or
   * `text_encoder_3`/`tokenizer_2` of SD3 and Flux exports). Throws `model_contract_mismatch`
   * naming what is wrong when the file is not a usable Unigram tokenizer.
   */
  static fromTokenizerJson(json: unknown, options: T5TokenizerOptions = {}): T5Tokenizer {
    const maxLength = options.maxLength ?? 256;
    if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
      throw new SwitchyardError('invalid_input', `T5 maxLength must be a positive integer, got ${String(maxLength)}`, { maxLength });
    }
    if (!isRecord(json)) throw invalid('expected a JSON object');
    const model = json['model'];
    if (!isRecord(model)) throw invalid('it has no "model" object');
    if (model['type'] !== 'Unigram') {
      const found = typeof model['type'] === 'string' ? model['type'] : model['merges'] !== undefined ? 'BPE' : 'unknown';
      throw invalid(`model.type is ${JSON.stringify(found)}, but T5 needs a SentencePiece "Unigram" model (is this a CLIP tokenizer?)`, { modelType: found });
    }
    const rawVocab = model['vocab'];
    if (!Array.isArray(rawVocab) || rawVocab.length === 0) throw invalid('model.vocab must be a non-empty array of [piece, score] pairs');
    const vocab: (readonly [string, number])[] = rawVocab.map((entry: unknown, index) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number' || !Number.isFinite(entry[1])) {
        throw invalid(`model.vocab[${index}] is not a [piece, score] pair`, { index });
      }
      return [entry[0], entry[1]] as const;
    });
    const unkId = model['unk_id'];
    if (typeof unkId !== 'number' || !Number.isInteger(unkId) || unkId < 0 || unkId >= vocab.length) {
      throw invalid(`model.unk_id must be an index into the vocabulary, got ${JSON.stringify(unkId)}`, { unkId });
    }
    if (model['byte_fallback'] === true) throw invalid('byte_fallback Unigram models are not supported (T5 does not use it)');

    const unmatchable = new Set<string>();
    const added = json['added_tokens'];
    if (Array.isArray(added)) {
      for (const token of added) {
        if (isRecord(token) && token['special'] === true && typeof token['content'] === 'string') unmatchable.add(token['content']);
      }
    }
    const { replacement, prependSpace } = readMetaspace(json['pre_tokenizer']);
    return new T5Tokenizer(vocab, unkId, { maxLength, replacement, prependSpace, unmatchable });
  }

  /** The vocabulary's size (the text encoder's embedding rows). */
  get vocabSize(): number {
    return this.pieces.length;
  }

  /** The piece an id stands for (for logs and tests), or undefined outside the vocabulary. */
  piece(id: number): string | undefined {
    return this.pieces[id];
  }

  /** NFKC, control characters dropped, whitespace runs collapsed to one space, trimmed. */
  static normalize(text: string): string {
    return text
      .normalize('NFKC')
      .replace(/[^\P{Cc}\s]/gu, '')
      .replace(/\s+/g, ' ')
      .trim();
  }

  /** The prompt's token ids, without `</s>` or padding. */
  tokenize(text: string): number[] {
    const normalized = T5Tokenizer.normalize(text);
    if (normalized === '') return [];
    const out: number[] = [];
    // Metaspace: each word starts with the replacement character (the first one only if prepended).
    const words = normalized.split(' ');
    words.forEach((word, index) => {
      const piece = index > 0 || this.prependSpace ? this.replacement + word : word;
      for (const id of this.segment(piece)) out.push(id);
    });
    return out;
  }

  /** The prompt's ids followed by `</s>`, truncated or padded with `<pad>` to `maxLength`. */
  encode(text: string): T5Encoded {
    const tokens = this.tokenize(text);
    const room = this.maxLength - 1;
    const truncated = Math.max(0, tokens.length - room);
    const ids = tokens.length > room ? tokens.slice(0, room) : tokens.slice();
    ids.push(this.endId);
    while (ids.length < this.maxLength) ids.push(this.padId);
    return { ids, tokenCount: tokens.length, truncated };
  }

  private insert(piece: string, id: number): void {
    let node = this.root;
    for (let i = 0; i < piece.length; i++) {
      const unit = piece.charCodeAt(i);
      node.children ??= new Map();
      let next = node.children.get(unit);
      if (!next) {
        next = newNode();
        node.children.set(unit, next);
      }
      node = next;
    }
    node.id = id;
  }

  /** Viterbi segmentation of one pre-tokenised word, cached. */
  private segment(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const ids = this.viterbi(word);
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, ids);
    return ids;
  }

  private viterbi(text: string): number[] {
    const n = text.length;
    // best[e]: the best score of text[0, e); from[e]/pieceAt[e]: where and with which piece it ended.
    const best = new Float64Array(n + 1).fill(-Infinity);
    const from = new Int32Array(n + 1).fill(-1);
    const pieceAt = new Int32Array(n + 1).fill(-1);
    best[0] = 0;
    for (let start = 0; start < n; start++) {
      const base = best[start]!;
      if (base === -Infinity) continue; // inside a surrogate pair
      const code = text.codePointAt(start)!;
      const charLength = code > 0xffff ? 2 : 1;
      let coversChar = false;
      let node: TrieNode | undefined = this.root;
      for (let end = start; end < n; ) {
        node = node.children?.get(text.charCodeAt(end));
        if (!node) break;
        end++;
        if (node.id >= 0) {
          if (end - start === charLength) coversChar = true;
          const score = base + this.scores[node.id]!;
          // Strictly greater: on a tie the earlier start (longer last piece) wins, as `tokenizers` does.
          if (score > best[end]!) {
            best[end] = score;
            from[end] = start;
            pieceAt[end] = node.id;
          }
        }
      }
      if (!coversChar) {
        const end = start + charLength;
        const score = base + this.unkScore;
        if (score > best[end]!) {
          best[end] = score;
          from[end] = start;
          pieceAt[end] = this.unkId;
        }
      }
    }
    const reversed: number[] = [];
    for (let end = n; end > 0; end = from[end]!) reversed.push(pieceAt[end]!);
    const ids: number[] = [];
    for (let i = reversed.length - 1; i >= 0; i--) {
      const id = reversed[i]!;
      // SentencePiece fuses a run of unknown characters into one <unk>.
      if (id === this.unkId && ids.length > 0 && ids[ids.length - 1] === this.unkId) continue;
      ids.push(id);
    }
    return ids;
  }
}

/** Metaspace settings: the replacement character and whether a leading one is prepended. */
function readMetaspace(preTokenizer: unknown): { replacement: string; prependSpace: boolean } {
  let metaspace: Record<string, unknown> | undefined;
  if (isRecord(preTokenizer)) {
    if (preTokenizer['type'] === 'Metaspace') metaspace = preTokenizer;
    else if (preTokenizer['type'] === 'Sequence' && Array.isArray(preTokenizer['pretokenizers'])) {
      metaspace = preTokenizer['pretokenizers'].find((p): p is Record<string, unknown> => isRecord(p) && p['type'] === 'Metaspace');
    }
  }
  const replacement = typeof metaspace?.['replacement'] === 'string' && metaspace['replacement'] !== '' ? metaspace['replacement'] : METASPACE;
  const prependSpace = metaspace?.['prepend_scheme'] !== 'never' && metaspace?.['add_prefix_space'] !== false;
  return { replacement, prependSpace };
}
