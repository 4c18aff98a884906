/**
 * Stable Diffusion 3 / 3.5 (diffusers/optimum ONNX layout): three text encoders — CLIP-L
 * `text_encoder`, OpenCLIP bigG `text_encoder_2` (both with projection) and T5-XXL
 * `text_encoder_3` — an MMDiT `transformer` that predicts the flow-matching velocity on
 * 16-channel latents, and the VAE at scaling factor 1.5305 / shift 0.0609.
 *
 * Conditioning, as diffusers builds it: the penultimate hidden layers of the two CLIPs side by
 * side ([77, 768+1280]), zero-padded on the last axis to T5's width, then T5's
 * `last_hidden_state` ([256, 4096]) appended along the sequence → `hidden` [1, 77+256, 4096];
 * `pooled` is the two `text_embeds` side by side ([1, 768+1280]). Every width comes from the
 * sessions (tiny stand-ins and real exports alike). T5 is optional: without `text_encoder_3`
 * its part is zeros, as diffusers does when the T5 encoder is dropped to save memory.
 * Prompt weighting applies to all three encoders.
 *
 * Sampling is flow matching: the transformer gets σ·1000 as its timestep and answers the
 * velocity v, and the clean estimate is x − σ·v. Sigmas are shifted by scheduler_config's
 * `shift` (3.0 for SD3) — see `sd3Sigmas` for how each scheduler name maps.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SwitchyardError, type OpenedSession, type SessionInfo } from '../../../engine/nodes/index.js';
import type { FamilyLoader } from '../model/load.js';
import { manifestNumber, openComponents, readClipTokenizer, readJsonFile } from '../model/folder.js';
import type { AffineDenoiser, AffinePrediction, ConditioningValue, DenoiseOptions, DiffusionRuntime, LatentShape } from '../model/types.js';
import { flowSigmas } from '../sampling/flow-sigmas.js';
import { parsePromptWeights } from '../text/prompt-weights.js';
import { T5Tokenizer } from '../text/t5-tokenizer.js';
import { applyPromptWeights, encodeClip, penultimateHiddenOutput } from './shared/clip-encode.js';
import { feedsForCall, floatInput, floatSlot, hasInput, idsInput, readFloat, scalarSlot, type DenoiserFeeds } from './shared/tensors.js';
import { cleanEstimate } from './shared/guidance.js';
import { stackConditioning } from './shared/unet.js';
import { vaeMethods } from './shared/vae.js';
import { SD3_TEXT_ENCODER, SD3_TEXT_ENCODER_2, SD3_TEXT_ENCODER_3, SD3_TRANSFORMER, SD3_VAE_DECODER, SD3_VAE_ENCODER } from './sd3-contracts.js';

export const SD3_SCALING_FACTOR = 1.5305;
export const SD3_SHIFT_FACTOR = 0.0609;
export const SD3_LATENT_CHANNELS = 16;
/** scheduler_config.json `shift` when the file does not say (SD3 medium ships 3.0). */
export const SD3_DEFAULT_FLOW_SHIFT = 3;
/** T5 tokens when neither the transformer nor the manifest says (diffusers' max_sequence_length). */
export const SD3_T5_LENGTH = 256;
/** Training timesteps of the flow schedule: the transformer takes σ·1000. */
const TRAIN_TIMESTEPS = 1000;

/**
 * The CLIP half of the token conditioning: rows of CLIP-L and bigG side by side, then zeros up
 * to `width` (T5's): [rows, width].
 */
export function joinClipHidden(first: Float32Array, firstWidth: number, second: Float32Array, secondWidth: number, rows: number, width: number): Float32Array {
  if (firstWidth + secondWidth > width) throw new RangeError(`CLIP widths ${firstWidth} + ${secondWidth} exceed the conditioning width ${width}`);
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    out.set(first.subarray(r * firstWidth, (r + 1) * firstWidth), r * width);
    out.set(second.subarray(r * secondWidth, (r + 1) * secondWidth), r * width + firstWidth);
  }
  return out;
}

/** T5 ids framed as `T5Tokenizer.encode` does, with one prompt weight per position (`</s>` and padding weigh 1). */
export function encodeT5Weighted(tokenizer: T5Tokenizer, prompt: string): { ids: number[]; weights: number[]; truncated: number } {
  const tokens: number[] = [];
  const tokenWeights: number[] = [];
  // One segment when nothing is weighted, so a plain prompt tokenizes exactly as `encode` does.
  for (const segment of parsePromptWeights(prompt)) {
    for (const id of tokenizer.tokenize(segment.text)) {
      tokens.push(id);
      tokenWeights.push(segment.weight);
    }
  }
  const room = tokenizer.maxLength - 1;
  const kept = Math.min(tokens.length, room);
  const ids = tokens.slice(0, kept);
  const weights = tokenWeights.slice(0, kept);
  ids.push(tokenizer.endId);
  while (ids.length < tokenizer.maxLength) ids.push(tokenizer.padId);
  while (weights.length < tokenizer.maxLength) weights.push(1);
  return { ids, weights, truncated: tokens.length - kept };
}

function tensorShape(info: SessionInfo, side: 'inputs' | 'outputs', name: string): readonly (number | string)[] | undefined {
  return info[side].find((t) => t.name === name)?.shape;
}

/** A fixed axis size from session metadata, or undefined for a dynamic (named) axis. */
function staticDim(shape: readonly (number | string)[] | undefined, axis: number): number | undefined {
  const dim = shape?.[axis < 0 ? shape.length + axis : axis];
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

interface Sd3Layout {
  /** T5 tokens (the transformer's encoder sequence minus the CLIP context). */
  t5Length: number;
  /** Width of the token conditioning, when the sessions or the transformer config state it. */
  jointWidth: number | undefined;
}

/**
 * What the contracts cannot say, from the sessions' metadata and transformer/config.json: the
 * sequence and widths the transformer takes, and that the encoders' outputs fit them. A
 * mismatched set of components is refused at load, naming the tensor.
 */
function checkLayout(model: string, sessions: { clipL: OpenedSession; hiddenL: string; clipG: OpenedSession; hiddenG: string; t5: OpenedSession | undefined; transformer: OpenedSession }, config: Record<string, unknown> | undefined, manifest: Record<string, unknown> | undefined, clipContext: number): Sd3Layout {
  const { clipL, hiddenL, clipG, hiddenG, t5, transformer } = sessions;
  const problems: string[] = [];
  for (const [component, encoder, name] of [['text_encoder', clipL, hiddenL], ['text_encoder_2', clipG, hiddenG]] as const) {
    const shape = tensorShape(encoder.info, 'outputs', name);
    if (shape && shape.length !== 3) problems.push(`${component} output "${name}": expected rank 3, found rank ${shape.length}`);
  }
  const encoderShape = tensorShape(transformer.info, 'inputs', 'encoder_hidden_states');
  const sequence = staticDim(encoderShape, 1);
  const transformerWidth = staticDim(encoderShape, -1);
  const t5Width = t5 ? staticDim(tensorShape(t5.info, 'outputs', 'last_hidden_state'), -1) : undefined;
  const configWidth = typeof config?.joint_attention_dim === 'number' && config.joint_attention_dim > 0 ? config.joint_attention_dim : undefined;
  const jointWidth = t5Width ?? transformerWidth ?? configWidth;
  if (t5Width !== undefined && transformerWidth !== undefined && t5Width !== transformerWidth) {
    problems.push(`transformer input "encoder_hidden_states": expected width ${t5Width} (text_encoder_3's last_hidden_state), found ${transformerWidth}`);
  }
  const clipWidths = [staticDim(tensorShape(clipL.info, 'outputs', hiddenL), -1), staticDim(tensorShape(clipG.info, 'outputs', hiddenG), -1)];
  if (clipWidths[0] !== undefined && clipWidths[1] !== undefined && jointWidth !== undefined && clipWidths[0] + clipWidths[1] > jointWidth) {
    problems.push(`transformer input "encoder_hidden_states": width ${jointWidth} is narrower than the two CLIP hidden states side by side (${clipWidths[0]} + ${clipWidths[1]})`);
  }
  const pooledWidths = [staticDim(tensorShape(clipL.info, 'outputs', 'text_embeds'), -1), staticDim(tensorShape(clipG.info, 'outputs', 'text_embeds'), -1)];
  const transformerPooled = staticDim(tensorShape(transformer.info, 'inputs', 'pooled_projections'), -1);
  if (pooledWidths[0] !== undefined && pooledWidths[1] !== undefined && transformerPooled !== undefined && pooledWidths[0] + pooledWidths[1] !== transformerPooled) {
    problems.push(`transformer input "pooled_projections": expected width ${pooledWidths[0] + pooledWidths[1]} (${pooledWidths[0]} + ${pooledWidths[1]} from the two CLIP text_embeds), found ${transformerPooled}`);
  }
  if (sequence !== undefined && sequence <= clipContext) {
    problems.push(`transformer input "encoder_hidden_states": a sequence of ${sequence} leaves no room for T5 tokens after the ${clipContext} CLIP tokens`);
  }
  if (!t5 && jointWidth === undefined) {
    problems.push('without text_encoder_3 the T5 width must come from the transformer: its "encoder_hidden_states" has a dynamic last axis and transformer/config.json states no joint_attention_dim');
  }
  if (problems.length > 0) throw new SwitchyardError('model_contract_mismatch', `model ${model}: ${problems.join('; ')}`, { model, problems });
  const t5Input = t5 ? staticDim(tensorShape(t5.info, 'inputs', 'input_ids'), 1) : undefined;
  const t5Length = sequence !== undefined ? sequence - clipContext : t5Input ?? manifestNumber(manifest, 'max_sequence_length', SD3_T5_LENGTH);
  return { t5Length, jointWidth };
}

async function readT5TokenizerJson(model: string, dir: string): Promise<Record<string, unknown>> {
  const json = await readJsonFile(join(dir, 'tokenizer_3', 'tokenizer.json'));
  if (!json) throw new SwitchyardError('model_contract_mismatch', `model ${model}: text_encoder_3 is there but tokenizer_3/tokenizer.json (T5's tokenizer) is missing or not JSON`, { model, component: 'tokenizer_3' });
  return json;
}

export const loadSd3: FamilyLoader = async ({ id, dir, manifest, sessionOptions }) => {
  const tokenizerL = await readClipTokenizer(id, dir, 'tokenizer');
  const tokenizerG = await readClipTokenizer(id, dir, 'tokenizer_2');
  const withT5 = existsSync(join(dir, 'text_encoder_3', 'model.onnx'));
  const t5Json = withT5 ? await readT5TokenizerJson(id, dir) : undefined;
  const scheduler = await readJsonFile(join(dir, 'scheduler', 'scheduler_config.json'));
  const vaeConfig = await readJsonFile(join(dir, 'vae_decoder', 'config.json'));
  const transformerConfig = await readJsonFile(join(dir, 'transformer', 'config.json'));
  const flowShiftValue = manifestNumber(scheduler, 'shift', SD3_DEFAULT_FLOW_SHIFT);
  if (!(flowShiftValue > 0)) throw new SwitchyardError('model_contract_mismatch', `model ${id}: scheduler_config.json shift must be positive, got ${flowShiftValue}`, { model: id });

  const opened = await openComponents(id, dir, [
    { folder: 'text_encoder', contract: SD3_TEXT_ENCODER },
    { folder: 'text_encoder_2', contract: SD3_TEXT_ENCODER_2 },
    { folder: 'text_encoder_3', contract: SD3_TEXT_ENCODER_3, optional: true },
    { folder: 'transformer', contract: SD3_TRANSFORMER },
    { folder: 'vae_decoder', contract: SD3_VAE_DECODER },
    { folder: 'vae_encoder', contract: SD3_VAE_ENCODER, optional: true },
  ], sessionOptions);
  const clipL = opened.sessions.text_encoder!;
  const clipG = opened.sessions.text_encoder_2!;
  const t5 = opened.sessions.text_encoder_3;
  const transformer = opened.sessions.transformer!;
  const vaeDecoder = opened.sessions.vae_decoder!;
  const vaeEncoder = opened.sessions.vae_encoder;
  const hiddenL = penultimateHiddenOutput(clipL.info.outputs.map((t) => t.name)) ?? 'last_hidden_state';
  const hiddenG = penultimateHiddenOutput(clipG.info.outputs.map((t) => t.name)) ?? 'last_hidden_state';
  let layout: Sd3Layout;
  let tokenizerT5: T5Tokenizer | undefined;
  try {
    if (tokenizerL.contextLength !== tokenizerG.contextLength) throw new SwitchyardError('model_contract_mismatch', `model ${id}: the two CLIP tokenizers frame ${tokenizerL.contextLength} and ${tokenizerG.contextLength} tokens; SD3 joins them token by token`, { model: id });
    layout = checkLayout(id, { clipL, hiddenL, clipG, hiddenG, t5, transformer }, transformerConfig, manifest, tokenizerL.contextLength);
    tokenizerT5 = t5Json ? T5Tokenizer.fromTokenizerJson(t5Json, { maxLength: layout.t5Length }) : undefined;
  } catch (error) {
    await opened.release();
    throw error;
  }
  const { t5Length, jointWidth } = layout;
  const t5Mask = t5 !== undefined && hasInput(t5.info, 'attention_mask');

  /** T5's part of the token conditioning, [t5Length, width]: the encoder's, or zeros without one. */
  const encodeT5 = async (prompt: string): Promise<{ hidden: Float32Array; width: number; truncated: number }> => {
    // checkLayout refused a folder without T5 whose transformer does not state the width.
    if (!t5 || !tokenizerT5) return { hidden: new Float32Array(t5Length * jointWidth!), width: jointWidth!, truncated: 0 };
    const encoded = encodeT5Weighted(tokenizerT5, prompt);
    const dims = [1, t5Length];
    const out = await t5.session.run({
      input_ids: idsInput(t5.info, 'input_ids', encoded.ids, dims),
      ...(t5Mask ? { attention_mask: idsInput(t5.info, 'attention_mask', encoded.ids.map(() => 1), dims) } : {}),
    });
    const hidden = readFloat(out.last_hidden_state, 'last_hidden_state').slice();
    const outDims = out.last_hidden_state!.dims;
    if (outDims[1] !== t5Length) throw new SwitchyardError('model_contract_mismatch', `model ${id}: text_encoder_3 answered ${String(outDims[1])} tokens for ${t5Length} ids`, { model: id, component: 'text_encoder_3' });
    const width = outDims[2]!;
    applyPromptWeights(hidden, encoded.weights, width);
    return { hidden, width, truncated: encoded.truncated };
  };

  const latentChannels = manifestNumber(manifest, 'latent_channels', manifestNumber(vaeConfig, 'latent_channels', SD3_LATENT_CHANNELS));

  const runtime: DiffusionRuntime = {
    id,
    family: 'sd3',
    latentChannels,
    downscale: 8,
    // The MMDiT cuts the latent into 2×2 patches, so latent sides must be even.
    latentMultiple: manifestNumber(transformerConfig, 'patch_size', 2),
    prediction: 'flow',
    scale: manifestNumber(manifest, 'scaling_factor', manifestNumber(vaeConfig, 'scaling_factor', SD3_SCALING_FACTOR)),
    shift: manifestNumber(manifest, 'shift_factor', manifestNumber(vaeConfig, 'shift_factor', SD3_SHIFT_FACTOR)),
    embedsGuidance: false,
    // Channel → RGB factors for SD3's VAE are not among our facts: the generic preview is used.
    previewFactors: undefined,
    async encodeText(prompt): Promise<ConditioningValue> {
      const [first, second, third] = await Promise.all([
        encodeClip(clipL, tokenizerL, prompt, { hiddenOutput: hiddenL }),
        encodeClip(clipG, tokenizerG, prompt, { hiddenOutput: hiddenG }),
        encodeT5(prompt),
      ]);
      if (!first.pooled || !second.pooled) throw new SwitchyardError('model_contract_mismatch', `model ${id}: a CLIP text encoder gave no text_embeds`, { model: id });
      if (first.width + second.width > third.width) {
        throw new SwitchyardError('model_contract_mismatch', `model ${id}: the CLIP hidden states (${first.width} + ${second.width} wide) do not fit in T5's width ${third.width}`, { model: id });
      }
      const context = first.context;
      const width = third.width;
      const hidden = new Float32Array((context + t5Length) * width);
      hidden.set(joinClipHidden(first.hidden, first.width, second.hidden, second.width, context, width), 0);
      hidden.set(third.hidden, context * width);
      const pooled = new Float32Array(first.pooled.length + second.pooled.length);
      pooled.set(first.pooled, 0);
      pooled.set(second.pooled, first.pooled.length);
      return {
        kind: 'conditioning',
        family: 'sd3',
        model: id,
        tensors: { hidden: { data: hidden, dims: [1, context + t5Length, width] }, pooled: { data: pooled, dims: [1, pooled.length] } },
        truncated: Math.max(first.truncated, second.truncated, third.truncated),
      };
    },
    sigmas: (name, steps) => flowSigmas(name, steps, flowShiftValue),
    denoise: (x, shape, sigma, conds, options) => transformerDenoise(id, transformer, x, shape, sigma, conds, options),
    affine: transformerAffine(id, transformer),
    ...vaeMethods(vaeDecoder, vaeEncoder, latentChannels),
  };
  return { value: runtime, bytes: opened.bytes, release: opened.release };
};

/** The feeds of one sampling call, built on its first step; then only the timestep (and an fp16 copy of the input) change. */
function transformerFeeds(transformer: OpenedSession, input: Float32Array, shape: LatentShape, conds: readonly ConditioningValue[], options: DenoiseOptions): DenoiserFeeds {
  const build = (): DenoiserFeeds => {
    const batch = conds.length;
    const hidden = stackConditioning(conds, 'hidden');
    const pooled = stackConditioning(conds, 'pooled');
    const latent = floatSlot(transformer.info, 'hidden_states', input, [batch, shape.channels, shape.height, shape.width]);
    const timestep = scalarSlot(transformer.info, 'timestep', batch);
    const feeds = {
      hidden_states: latent.tensor,
      encoder_hidden_states: floatInput(transformer.info, 'encoder_hidden_states', hidden.data, hidden.dims),
      pooled_projections: floatInput(transformer.info, 'pooled_projections', pooled.data, pooled.dims),
      timestep: timestep.tensor,
    };
    return { input, conds, latent, timestep, feeds };
  };
  return feedsForCall(options.scratch, 'transformer.feeds', input, conds, build);
}

/**
 * One transformer call on `input` ([uncond, cond] copies of x, or cond alone) → the raw
 * velocities and the map to the clean estimate x − σ·v (after the cfg mix).
 */
async function transformerPredict(model: string, transformer: OpenedSession, input: Float32Array, shape: LatentShape, sigma: number, conds: readonly ConditioningValue[], options: DenoiseOptions): Promise<AffinePrediction> {
  const size = shape.channels * shape.height * shape.width;
  const batch = conds.length;
  if (input.length !== size * batch) throw new RangeError(`the transformer input holds ${input.length} values, [${batch}, ${shape.channels}, ${shape.height}, ${shape.width}] needed`);
  const { latent, timestep, feeds } = transformerFeeds(transformer, input, shape, conds, options);
  latent.refresh();
  timestep.set(sigma * TRAIN_TIMESTEPS);
  const out = await transformer.session.run(feeds);
  const velocity = readFloat(out.out_hidden_states, 'out_hidden_states');
  if (velocity.length !== size * batch) {
    throw new SwitchyardError('model_contract_mismatch', `model ${model}: the transformer answered ${velocity.length} values for a [${batch}, ${shape.channels}, ${shape.height}, ${shape.width}] latent`, { model, component: 'transformer' });
  }
  return { raw: velocity, a: 1, b: -sigma };
}

/** The transformer as a fusable denoiser: its input is x itself (k = 1). */
function transformerAffine(model: string, transformer: OpenedSession): AffineDenoiser {
  return {
    inputScale: () => 1,
    predict: (input, shape, sigma, conds, options) => transformerPredict(model, transformer, input, shape, sigma, conds, options),
  };
}

/** One transformer call on [uncond, cond] (or cond alone): the cfg-mixed velocity v → clean estimate x − σ·v. */
async function transformerDenoise(model: string, transformer: OpenedSession, x: Float32Array, shape: LatentShape, sigma: number, conds: readonly ConditioningValue[], options: DenoiseOptions): Promise<Float32Array> {
  const size = x.length;
  const batch = conds.length;
  const latents = options.scratch?.get('transformer.hidden_states', size * batch) ?? new Float32Array(size * batch);
  for (let b = 0; b < batch; b++) latents.set(x, b * size);
  const { raw, a, b } = await transformerPredict(model, transformer, latents, shape, sigma, conds, options);
  return cleanEstimate(x, raw, batch, options.cfg, a, b);
}
