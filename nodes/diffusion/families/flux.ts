/**
 * Flux (dev and schnell), diffusers/optimum ONNX layout: CLIP-L (`text_encoder`, its
 * `pooler_output` is the pooled vector), T5-XXL (`text_encoder_2`, its `last_hidden_state` is
 * the token conditioning), a rectified-flow transformer on 16-channel latents packed in 2×2
 * patches, and the 16-channel VAE (scaling 0.3611, shift 0.1159).
 *
 * - Packing (diffusers' order): [C,h,w] → [h/2, w/2, C, 2, 2] → [(h/2)(w/2), 4C], so within a
 *   patch the 64 features are channel-major; `img_ids` are (0, patch row, patch column),
 *   `txt_ids` zeros; both rank 2 ([N,3]) or, for older exports, rank 3 ([B,N,3]) as declared.
 * - The transformer answers a packed velocity v; the clean estimate is x − σ·v, and its
 *   `timestep` is σ itself (diffusers feeds t/1000).
 * - dev has a `guidance` input (distilled guidance, embedded): the sampler runs the positive
 *   branch only and feeds `positive.guidance ?? cfg`. schnell has none: ordinary CFG (cfg 1).
 * - Sigmas: flow matching with the scheduler config's shift, or its dynamic shifting (mu
 *   linear in the image's token count between base_image_seq_len and max_image_seq_len,
 *   σ' = e^mu / (e^mu + (1/σ − 1)), the same as a shift of e^mu). The sampler passes the
 *   latent shape; without one it uses the count at max_image_seq_len (1024×1024), i.e.
 *   mu = max_shift, which is also ComfyUI's default.
 * - Prompt weighting: the `(word:1.2)` syntax is stripped and its weights applied to nothing.
 *   T5 conditioning is not weighted (scaling T5 states as A1111 does for CLIP is not what Flux
 *   was trained with), and only CLIP's pooled vector reaches the model, which no weighting moves.
 * - The T5 sequence length: the transformer's fixed text axis when the export fixes it, else
 *   manifest `max_sequence_length`, else `tokenizer_2/tokenizer_config.json` model_max_length,
 *   else 512 (dev's; schnell folders should state 256).
 */
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { SwitchyardError, type OpenedSession, type SessionInfo } from '../../../engine/nodes/index.js';
import type { FamilyLoader } from '../model/load.js';
import { manifestNumber, openComponents, readClipTokenizer, readJsonFile } from '../model/folder.js';
import type { ConditioningValue, DenoiseOptions, DiffusionRuntime, LatentShape, SchedulerName } from '../model/types.js';
import { flowSigmas } from '../sampling/flow-sigmas.js';
import type { ClipTokenizer } from '../text/clip-tokenizer.js';
import { parsePromptWeights } from '../text/prompt-weights.js';
import { T5Tokenizer } from '../text/t5-tokenizer.js';
import { fluxImageIds, fluxTextIds, packLatents, positionsInput, unpackLatents } from './flux-packing.js';
import { FLUX_CLIP_TEXT_ENCODER, FLUX_T5_ENCODER, FLUX_TRANSFORMER, FLUX_VAE_DECODER, FLUX_VAE_ENCODER } from './flux-contracts.js';
import { floatInput, hasInput, idsInput, inputInfo, readFloat, scalarInput } from './shared/tensors.js';
import { mixPredictions } from './shared/guidance.js';
import { stackConditioning } from './shared/unet.js';
import { vaeMethods } from './shared/vae.js';

/** Latent → RGB factors for previews on model-space Flux latents (ComfyUI's table). */
export const FLUX_PREVIEW_FACTORS = [
  [-0.0346, 0.0244, 0.0681],
  [0.0034, 0.021, 0.0687],
  [0.0275, -0.0668, -0.0433],
  [-0.0174, 0.016, 0.0617],
  [0.0859, 0.0721, 0.0329],
  [0.0004, 0.0383, 0.0115],
  [0.0405, 0.0861, 0.0915],
  [-0.0236, -0.0185, -0.0259],
  [-0.0245, 0.025, 0.118],
  [0.1008, 0.0755, -0.0421],
  [-0.0515, 0.0201, 0.0011],
  [0.0428, -0.0012, -0.0036],
  [0.0817, 0.0765, 0.0749],
  [-0.1264, -0.0522, -0.1103],
  [-0.028, -0.0881, -0.0499],
  [-0.1262, -0.0982, -0.0778],
] as const;

/** The T5 length when nothing says otherwise (Flux dev's). */
export const FLUX_DEFAULT_SEQUENCE = 512;

// ---------------------------------------------------------------------------------------------
// Sigmas

export interface FluxShiftConfig {
  /** Fixed shift (used when not dynamic). */
  shift: number;
  dynamic: boolean;
  baseShift: number;
  maxShift: number;
  baseSeqLen: number;
  maxSeqLen: number;
}

/** The shift settings of `scheduler/scheduler_config.json` (FlowMatchEulerDiscreteScheduler). */
export function fluxShiftConfig(scheduler: Record<string, unknown> | undefined): FluxShiftConfig {
  return {
    shift: manifestNumber(scheduler, 'shift', 3.0),
    dynamic: scheduler?.use_dynamic_shifting === true,
    baseShift: manifestNumber(scheduler, 'base_shift', 0.5),
    maxShift: manifestNumber(scheduler, 'max_shift', 1.15),
    baseSeqLen: manifestNumber(scheduler, 'base_image_seq_len', 256),
    maxSeqLen: manifestNumber(scheduler, 'max_image_seq_len', 4096),
  };
}

/** Image tokens of a latent shape: (h/2)(w/2). */
export function imageSeqLen(shape: Pick<LatentShape, 'height' | 'width'>): number {
  return Math.floor(shape.height / 2) * Math.floor(shape.width / 2);
}

/** mu, linear in the image's token count (diffusers' calculate_shift; not clamped, as there). */
export function fluxMu(config: FluxShiftConfig, seqLen: number): number {
  const slope = (config.maxShift - config.baseShift) / (config.maxSeqLen - config.baseSeqLen);
  return config.baseShift + slope * (seqLen - config.baseSeqLen);
}

/** The effective shift: e^mu when dynamic (at `seqLen`, else at max_image_seq_len), else the fixed one. */
export function fluxShift(config: FluxShiftConfig, seqLen?: number): number {
  if (!config.dynamic) return config.shift;
  return Math.exp(fluxMu(config, seqLen ?? config.maxSeqLen));
}

// ---------------------------------------------------------------------------------------------
// Loading

function fixedAxis(info: SessionInfo, name: string, axis: number): number | undefined {
  const shape = inputInfo(info, name)?.shape;
  const size = shape?.[axis < 0 ? shape.length + axis : axis];
  return typeof size === 'number' && size > 0 ? size : undefined;
}

function positiveInteger(value: unknown, max = 1 << 16): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 && value <= max ? value : undefined;
}

/** The T5 token count: the export's fixed axis, else manifest, else tokenizer_2's config, else 512. */
async function sequenceLength(dir: string, manifest: Record<string, unknown> | undefined, transformer: SessionInfo, t5: SessionInfo): Promise<number> {
  const fixed = fixedAxis(transformer, 'encoder_hidden_states', 1) ?? fixedAxis(transformer, 'txt_ids', -2) ?? fixedAxis(t5, 'input_ids', 1);
  if (fixed) return fixed;
  const stated = positiveInteger(manifest?.max_sequence_length);
  if (stated) return stated;
  const config = await readJsonFile(join(dir, 'tokenizer_2', 'tokenizer_config.json'));
  return positiveInteger(config?.model_max_length) ?? FLUX_DEFAULT_SEQUENCE;
}

async function readT5Tokenizer(model: string, dir: string, maxLength: number): Promise<T5Tokenizer> {
  const json = await readJsonFile(join(dir, 'tokenizer_2', 'tokenizer.json'));
  if (!json) throw new SwitchyardError('model_contract_mismatch', `model ${model}: tokenizer_2/tokenizer.json (the T5 tokenizer) is missing or not JSON`, { model, component: 'tokenizer_2' });
  try {
    return T5Tokenizer.fromTokenizerJson(json, { maxLength });
  } catch (error) {
    throw new SwitchyardError('model_contract_mismatch', `model ${model}: its T5 tokenizer in tokenizer_2/ could not be read (${(error as Error).message})`, { model, component: 'tokenizer_2' });
  }
}

/** Prompt text with the weighting syntax taken out (Flux applies no weights). */
export function plainPrompt(prompt: string): string {
  return parsePromptWeights(prompt).map((segment) => segment.text).join('');
}

interface FluxEncoders {
  clip: OpenedSession;
  clipTokenizer: ClipTokenizer;
  t5: OpenedSession;
  t5Tokenizer: T5Tokenizer;
}

async function encodeFluxText(id: string, encoders: FluxEncoders, prompt: string): Promise<ConditioningValue> {
  const text = plainPrompt(prompt);
  const { clip, clipTokenizer, t5, t5Tokenizer } = encoders;
  const clipIds = clipTokenizer.encode(text).ids;
  const clipOut = await clip.session.run({ input_ids: idsInput(clip.info, 'input_ids', clipIds, [1, clipIds.length]) });
  const pooled = readFloat(clipOut.pooler_output, 'pooler_output').slice();

  const t5Encoded = t5Tokenizer.encode(text);
  const sequence = t5Encoded.ids.length;
  const t5Inputs: Record<string, ort.Tensor> = { input_ids: idsInput(t5.info, 'input_ids', t5Encoded.ids, [1, sequence]) };
  if (hasInput(t5.info, 'attention_mask')) t5Inputs.attention_mask = idsInput(t5.info, 'attention_mask', t5Encoded.ids.map(() => 1), [1, sequence]);
  const t5Out = await t5.session.run(t5Inputs);
  const hidden = readFloat(t5Out.last_hidden_state, 'last_hidden_state').slice();
  const dims = t5Out.last_hidden_state!.dims;
  if (dims.length !== 3 || dims[1] !== sequence) {
    throw new SwitchyardError('model_contract_mismatch', `model ${id}: the T5 encoder answered last_hidden_state [${dims.join(', ')}] for ${sequence} tokens`, { model: id, component: 'text_encoder_2' });
  }
  return {
    kind: 'conditioning',
    family: 'flux',
    model: id,
    tensors: { hidden: { data: hidden, dims: [1, sequence, dims[2]!] }, pooled: { data: pooled, dims: [1, pooled.length] } },
    // T5 carries the prompt; CLIP's 77-token cut only trims the pooled summary, so it is not reported.
    truncated: t5Encoded.truncated,
  };
}

interface FluxTransformer {
  id: string;
  transformer: OpenedSession;
  embedsGuidance: boolean;
}

async function fluxDenoise(model: FluxTransformer, x: Float32Array, shape: LatentShape, sigma: number, conds: readonly ConditioningValue[], options: DenoiseOptions): Promise<Float32Array> {
  const { transformer } = model;
  const info = transformer.info;
  const { channels, height, width } = shape;
  const batch = conds.length;
  const tokens = (height / 2) * (width / 2);
  const packed = packLatents(x, channels, height, width);
  const states = options.scratch?.get('transformer.hidden_states', packed.length * batch) ?? new Float32Array(packed.length * batch);
  for (let b = 0; b < batch; b++) states.set(packed, b * packed.length);
  const hidden = stackConditioning(conds, 'hidden');
  const pooled = stackConditioning(conds, 'pooled');
  const sequence = hidden.dims[1]!;
  const inputs: Record<string, ort.Tensor> = {
    hidden_states: floatInput(info, 'hidden_states', states, [batch, tokens, channels * 4]),
    encoder_hidden_states: floatInput(info, 'encoder_hidden_states', hidden.data, hidden.dims),
    pooled_projections: floatInput(info, 'pooled_projections', pooled.data, pooled.dims),
    timestep: scalarInput(info, 'timestep', sigma, batch),
    img_ids: positionsInput(info, 'img_ids', fluxImageIds(height, width), tokens, batch),
    txt_ids: positionsInput(info, 'txt_ids', fluxTextIds(sequence), sequence, batch),
  };
  if (model.embedsGuidance) inputs.guidance = scalarInput(info, 'guidance', options.guidance, batch);
  const out = await transformer.session.run(inputs);
  const velocity = readFloat(out.out_hidden_states, 'out_hidden_states');
  if (velocity.length !== states.length) {
    throw new SwitchyardError('model_contract_mismatch', `model ${model.id}: the transformer answered ${velocity.length} values for hidden_states [${batch}, ${tokens}, ${channels * 4}]`, { model: model.id, component: 'transformer' });
  }
  const v = unpackLatents(mixPredictions(velocity, packed.length, batch, options.cfg), channels, height, width);
  for (let i = 0; i < v.length; i++) v[i] = x[i]! - sigma * v[i]!;
  return v;
}

export const loadFlux: FamilyLoader = async ({ id, dir, manifest, sessionOptions }) => {
  const clipTokenizer = await readClipTokenizer(id, dir, 'tokenizer');
  const scheduler = await readJsonFile(join(dir, 'scheduler', 'scheduler_config.json'));
  const shiftConfig = fluxShiftConfig(scheduler);
  const latentChannels = manifestNumber(manifest, 'latent_channels', 16);
  const opened = await openComponents(id, dir, [
    { folder: 'text_encoder', contract: FLUX_CLIP_TEXT_ENCODER },
    { folder: 'text_encoder_2', contract: FLUX_T5_ENCODER },
    { folder: 'transformer', contract: FLUX_TRANSFORMER },
    { folder: 'vae_decoder', contract: FLUX_VAE_DECODER },
    { folder: 'vae_encoder', contract: FLUX_VAE_ENCODER, optional: true },
  ], sessionOptions);
  try {
    const transformer = opened.sessions.transformer!;
    const t5 = opened.sessions.text_encoder_2!;
    const features = fixedAxis(transformer.info, 'hidden_states', 2);
    if (features !== undefined && features !== latentChannels * 4) {
      throw new SwitchyardError('model_contract_mismatch', `model ${id}, component transformer: hidden_states has ${features} features per token, but ${latentChannels}-channel latents in 2×2 patches make ${latentChannels * 4}`, { model: id, component: 'transformer' });
    }
    const t5Tokenizer = await readT5Tokenizer(id, dir, await sequenceLength(dir, manifest, transformer.info, t5.info));
    const encoders: FluxEncoders = { clip: opened.sessions.text_encoder!, clipTokenizer, t5, t5Tokenizer };
    const vaeDecoder = opened.sessions.vae_decoder!;
    const vaeEncoder = opened.sessions.vae_encoder;
    const denoiser: FluxTransformer = { id, transformer, embedsGuidance: hasInput(transformer.info, 'guidance') };

    const runtime: DiffusionRuntime = {
      id,
      family: 'flux',
      latentChannels,
      downscale: 8,
      latentMultiple: 2,
      prediction: 'flow',
      scale: manifestNumber(manifest, 'scaling_factor', 0.3611),
      shift: manifestNumber(manifest, 'shift_factor', 0.1159),
      embedsGuidance: denoiser.embedsGuidance,
      previewFactors: latentChannels === 16 ? FLUX_PREVIEW_FACTORS : undefined,
      encodeText: (prompt) => encodeFluxText(id, encoders, prompt),
      // `shape` is optional until the sampler passes it; see the module header.
      sigmas: (name: SchedulerName, steps: number, shape?: LatentShape) => flowSigmas(name, steps, fluxShift(shiftConfig, shape ? imageSeqLen(shape) : undefined)),
      denoise: (x, shape, sigma, conds, options) => fluxDenoise(denoiser, x, shape, sigma, conds, options),
      ...vaeMethods(vaeDecoder, vaeEncoder, latentChannels),
    };
    return { value: runtime, bytes: opened.bytes, release: opened.release };
  } catch (error) {
    await opened.release();
    throw error;
  }
};
