/**
 * CLIP's tokenizer, written in the project: byte-level BPE with `</w>` word ends, from a
 * `vocab.json` (token → id) and `merges.txt` (ranked pairs) — or the same data inside a
 * Hugging Face `tokenizer.json`. Text is lower-cased and its whitespace collapsed, split into
 * words, letters runs, single digits and punctuation runs as CLIP does, then merged by rank.
 * `encode` frames the ids with start/end tokens and pads or truncates to the context length
 * (77): at most 75 prompt tokens, and a truncation is reported so the caller can warn.
 */

import { byteLevel } from './byte-unicode.js';

export interface ClipTokenizerFiles {
  vocab: Readonly<Record<string, number>>;
  /** merges.txt lines ("a b"), best first; a leading "#version" line is skipped. */
  merges: readonly string[];
}

export interface ClipTokenizerOptions {
  /** Default 77. */
  contextLength?: number;
  /** Padding token (default the end token, as SD 1.x; SD 2.x pads with "!"). */
  padToken?: string;
}

export interface Encoded {
  /** Exactly `contextLength` ids: start, prompt tokens, end, padding. */
  ids: number[];
  /** Prompt tokens before truncation (without start/end). */
  tokenCount: number;
  /** Prompt tokens cut off to fit. */
  truncated: number;
}

export const START_TOKEN = '<|startoftext|>';
export const END_TOKEN = '<|endoftext|>';

const WORDS = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+/gu;

export class ClipTokenizer {
  private readonly ranks = new Map<string, number>();
  private readonly cache = new Map<string, number[]>();
  readonly contextLength: number;
  readonly startId: number;
  readonly endId: number;
  readonly padId: number;

  constructor(private readonly files: ClipTokenizerFiles, options: ClipTokenizerOptions = {}) {
    let rank = 0;
    for (const line of files.merges) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#version')) continue;
      this.ranks.set(trimmed, rank++);
    }
    this.contextLength = options.contextLength ?? 77;
    this.startId = this.idOf(START_TOKEN);
    this.endId = this.idOf(END_TOKEN);
    this.padId = this.idOf(options.padToken ?? END_TOKEN);
  }

  /** Reads a Hugging Face `tokenizer.json` (model.type "BPE" with vocab and merges). */
  static fromTokenizerJson(json: unknown, options: ClipTokenizerOptions = {}): ClipTokenizer {
    const model = (json as { model?: { type?: string; vocab?: Record<string, number>; merges?: (string | [string, string])[] } }).model;
    if (!model?.vocab || !Array.isArray(model.merges)) throw new Error('tokenizer.json has no BPE model with vocab and merges');
    const merges = model.merges.map((merge) => (Array.isArray(merge) ? merge.join(' ') : merge));
    return new ClipTokenizer({ vocab: model.vocab, merges }, options);
  }

  private idOf(token: string): number {
    const id = this.files.vocab[token];
    if (id === undefined) throw new Error(`the vocabulary has no ${JSON.stringify(token)} token`);
    return id;
  }

  /** Lower-cased, whitespace collapsed (CLIP's basic cleaning). */
  static clean(text: string): string {
    return text.replace(/\s+/g, ' ').trim().toLowerCase();
  }

  /** BPE of one word (byte-level characters, the last one marked as a word end). */
  private bpe(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let parts = byteLevel(word);
    parts[parts.length - 1] += '</w>';
    while (parts.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < parts.length - 1; i++) {
        const rank = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          best = i;
        }
      }
      if (best < 0) break;
      const first = parts[best]!;
      const second = parts[best + 1]!;
      // Merge every occurrence of the best pair, left to right.
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i < parts.length - 1 && parts[i] === first && parts[i + 1] === second) {
          merged.push(first + second);
          i++;
        } else merged.push(parts[i]!);
      }
      parts = merged;
    }
    const ids = parts.map((part) => {
      const id = this.files.vocab[part];
      if (id === undefined) throw new Error(`the vocabulary has no token ${JSON.stringify(part)} (its merges and vocab do not match)`);
      return id;
    });
    if (this.cache.size < 10_000) this.cache.set(word, ids);
    return ids;
  }

  /** Token ids of `text` without start/end tokens. */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    for (const match of ClipTokenizer.clean(text).matchAll(WORDS)) {
      const word = match[0];
      if (word === START_TOKEN || word === END_TOKEN) ids.push(this.idOf(word));
      else ids.push(...this.bpe(word));
    }
    return ids;
  }

  /** Framed, padded or truncated ids of exactly `contextLength`. */
  encode(text: string): Encoded {
    return this.frame(this.tokenize(text));
  }

  /** Frames already tokenized prompt ids (start … end, padding). */
  frame(tokens: readonly number[]): Encoded {
    const room = this.contextLength - 2;
    const kept = tokens.slice(0, room);
    const ids = [this.startId, ...kept, this.endId];
    while (ids.length < this.contextLength) ids.push(this.padId);
    return { ids, tokenCount: tokens.length, truncated: Math.max(0, tokens.length - room) };
  }
}
