/**
 * A weighted prompt as the text encoder takes it: the framed ids of `ClipTokenizer.encode`
 * plus one weight per position (start, end and padding weigh 1), so the pipeline can scale each
 * token's embedding (SD 1.x / SDXL prompt weighting).
 */
import type { ClipTokenizer } from './clip-tokenizer.js';
import { parsePromptWeights } from './prompt-weights.js';

export interface WeightedIds {
  ids: number[];
  weights: number[];
  tokenCount: number;
  truncated: number;
}

export function encodeWeighted(tokenizer: ClipTokenizer, prompt: string): WeightedIds {
  const tokens: number[] = [];
  const tokenWeights: number[] = [];
  for (const segment of parsePromptWeights(prompt)) {
    for (const id of tokenizer.tokenize(segment.text)) {
      tokens.push(id);
      tokenWeights.push(segment.weight);
    }
  }
  const framed = tokenizer.frame(tokens);
  const weights = framed.ids.map(() => 1);
  const kept = Math.min(tokens.length, tokenizer.contextLength - 2);
  for (let i = 0; i < kept; i++) weights[i + 1] = tokenWeights[i]!;
  return { ids: framed.ids, weights, tokenCount: framed.tokenCount, truncated: framed.truncated };
}
