/**
 * One CLIP text encoder over one prompt, with prompt weighting: ids framed to the context
 * (77), the encoder run, then each token's hidden state scaled by its weight and the whole
 * prompt rescaled to its unweighted mean (A1111's rule: emphasis shifts the balance between
 * words, not the overall magnitude; all weights 1 leave the embedding untouched).
 * `hiddenOutput` picks a layer (SDXL uses the penultimate `hidden_states.N`); it falls back to
 * `last_hidden_state` when the export has no such output.
 */
import type { OpenedSession } from '../../../../engine/nodes/index.js';
import type { ClipTokenizer } from '../../text/clip-tokenizer.js';
import { encodeWeighted } from '../../text/weighted-encode.js';
import { idsInput, readFloat } from './tensors.js';

export interface ClipEncoding {
  /** [1, context, width] */
  hidden: Float32Array;
  context: number;
  width: number;
  /** `pooler_output` or `text_embeds`, when the encoder has one. */
  pooled?: Float32Array;
  truncated: number;
}

/** Scales token rows by their weights and restores the unweighted mean. */
export function applyPromptWeights(hidden: Float32Array, weights: readonly number[], width: number): void {
  if (weights.every((w) => w === 1)) return;
  let before = 0;
  for (let i = 0; i < hidden.length; i++) before += hidden[i]!;
  weights.forEach((w, p) => {
    if (w === 1) return;
    for (let i = p * width; i < (p + 1) * width; i++) hidden[i] = hidden[i]! * w;
  });
  let after = 0;
  for (let i = 0; i < hidden.length; i++) after += hidden[i]!;
  const scale = before / after;
  if (after !== 0 && Number.isFinite(scale)) for (let i = 0; i < hidden.length; i++) hidden[i] = hidden[i]! * scale;
}

/** Picks the named hidden layer when the export has it, else `last_hidden_state`. */
export function hiddenName(encoder: OpenedSession, wanted?: string): string {
  return wanted && encoder.info.outputs.some((o) => o.name === wanted) ? wanted : 'last_hidden_state';
}

export async function encodeClip(encoder: OpenedSession, tokenizer: ClipTokenizer, prompt: string, options: { hiddenOutput?: string; weighting?: boolean } = {}): Promise<ClipEncoding> {
  const encoded = encodeWeighted(tokenizer, prompt);
  const context = tokenizer.contextLength;
  const out = await encoder.session.run({ input_ids: idsInput(encoder.info, 'input_ids', encoded.ids, [1, context]) });
  const name = hiddenName(encoder, options.hiddenOutput);
  const hidden = readFloat(out[name], name).slice();
  const width = out[name]!.dims[2]!;
  if (options.weighting !== false) applyPromptWeights(hidden, encoded.weights, width);
  const pooledName = out.text_embeds ? 'text_embeds' : out.pooler_output ? 'pooler_output' : undefined;
  return { hidden, context, width, pooled: pooledName ? readFloat(out[pooledName], pooledName).slice() : undefined, truncated: encoded.truncated };
}

/**
 * The second-to-last `hidden_states.N` output (SDXL and SD3 condition on the penultimate layer:
 * `hidden_states.11` of CLIP-L, `hidden_states.31` of bigG); undefined when the export has
 * fewer than two, and the encoder's `last_hidden_state` is used instead.
 */
export function penultimateHiddenOutput(outputs: readonly string[]): string | undefined {
  const layers = outputs
    .map((name) => /^hidden_states\.(\d+)$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]))
    .sort((a, b) => a - b);
  return layers.length >= 2 ? `hidden_states.${layers[layers.length - 2]!}` : undefined;
}
