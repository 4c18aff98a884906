/**
 * SDXL (and the checkpoints built on it: Pony Diffusion, SDXL-Turbo, Lightning, …): two CLIP
 * text encoders — CLIP-L `text_encoder` (768) and OpenCLIP bigG `text_encoder_2` (1280) —
 * whose penultimate hidden layers are concatenated into the conditioning ([1,77,2048]), with
 * `text_embeds` of the second as the pooled vector ([1,1280]); a discrete-time UNet on
 * 4-channel latents that also takes the pooled vectors (`text_embeds`) and the size
 * micro-conditioning (`time_ids`); and the VAE at scaling factor 0.13025. Prompt weighting
 * applies to both encoders. Turbo/Lightning distillations need nothing special: cfg 1 runs the
 * conditional branch alone and few steps are just a short schedule.
 */
import { SwitchyardError, type OpenedSession, type SessionInfo } from '../../../engine/nodes/index.js';
// Type-only from load.js: load.js imports the family index, which imports this file.
import type { FamilyLoader } from '../model/load.js';
import { manifestNumber, openComponents, readClipTokenizer } from '../model/folder.js';
import type { ConditioningValue, DiffusionRuntime, LatentShape } from '../model/types.js';
import { scaledLinearSchedule } from '../sampling/sigmas.js';
import { encodeClip, penultimateHiddenOutput } from './shared/clip-encode.js';
import { predictionOf } from './sd15.js';
import { floatInput } from './shared/tensors.js';
import { discreteSigmas, stackConditioning, unetAffine, unetDenoise } from './shared/unet.js';
import { vaeMethods } from './shared/vae.js';
import { SDXL_TEXT_ENCODER, SDXL_TEXT_ENCODER_2, SDXL_UNET, SDXL_VAE_DECODER, SDXL_VAE_ENCODER } from './sdxl-contracts.js';

/** Latent → RGB factors for previews (SDXL VAE). */
export const SDXL_PREVIEW_FACTORS = [
  [0.3651, 0.4232, 0.4341],
  [-0.2533, -0.0042, 0.1068],
  [0.1076, 0.1111, -0.0362],
  [-0.3165, -0.2492, -0.2188],
] as const;

export const SDXL_SCALING_FACTOR = 0.13025;

/** Values per item of the UNet's `time_ids`. */
export const SDXL_TIME_IDS = 6;

/**
 * SDXL's size micro-conditioning for `batch` items: [original height, original width, crop
 * top, crop left, target height, target width] in pixels. We generate at the asked size with
 * no crop, so original and target are both the image size.
 */
export function sdxlTimeIds(width: number, height: number, batch: number): Float32Array {
  const out = new Float32Array(batch * SDXL_TIME_IDS);
  for (let b = 0; b < batch; b++) out.set([height, width, 0, 0, height, width], b * SDXL_TIME_IDS);
  return out;
}

/** Rows of `a` ([rows, widthA]) and `b` ([rows, widthB]) side by side: [rows, widthA + widthB]. */
export function concatLastAxis(a: Float32Array, widthA: number, b: Float32Array, widthB: number, rows: number): Float32Array {
  const width = widthA + widthB;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    out.set(a.subarray(r * widthA, (r + 1) * widthA), r * width);
    out.set(b.subarray(r * widthB, (r + 1) * widthB), r * width + widthA);
  }
  return out;
}

function tensorShape(info: SessionInfo, side: 'inputs' | 'outputs', name: string): readonly (number | string)[] | undefined {
  return info[side].find((t) => t.name === name)?.shape;
}

function lastDim(shape: readonly (number | string)[] | undefined): number | undefined {
  const dim = shape?.[shape.length - 1];
  return typeof dim === 'number' && dim > 0 ? dim : undefined;
}

/**
 * What the contracts cannot say: the chosen hidden layers are [B,S,D], and the widths the
 * encoders give are the widths the UNet takes (when the export states them), so a refiner or a
 * mismatched pair of components is refused at load, naming the tensor.
 */
function checkWiring(model: string, first: OpenedSession, firstHidden: string, second: OpenedSession, secondHidden: string, unet: OpenedSession): void {
  const problems: string[] = [];
  for (const [component, encoder, name] of [['text_encoder', first, firstHidden], ['text_encoder_2', second, secondHidden]] as const) {
    const shape = tensorShape(encoder.info, 'outputs', name);
    if (shape && shape.length !== 3) problems.push(`${component} output "${name}": expected rank 3, found rank ${shape.length}`);
  }
  const hiddenWidths = [lastDim(tensorShape(first.info, 'outputs', firstHidden)), lastDim(tensorShape(second.info, 'outputs', secondHidden))];
  const unetHidden = lastDim(tensorShape(unet.info, 'inputs', 'encoder_hidden_states'));
  if (hiddenWidths[0] !== undefined && hiddenWidths[1] !== undefined && unetHidden !== undefined && hiddenWidths[0] + hiddenWidths[1] !== unetHidden) {
    problems.push(`unet input "encoder_hidden_states": expected width ${hiddenWidths[0] + hiddenWidths[1]} (${hiddenWidths[0]} + ${hiddenWidths[1]} from the two text encoders), found ${unetHidden}`);
  }
  const pooledWidth = lastDim(tensorShape(second.info, 'outputs', 'text_embeds'));
  const unetPooled = lastDim(tensorShape(unet.info, 'inputs', 'text_embeds'));
  if (pooledWidth !== undefined && unetPooled !== undefined && pooledWidth !== unetPooled) {
    problems.push(`unet input "text_embeds": expected width ${pooledWidth} (text_encoder_2's text_embeds), found ${unetPooled}`);
  }
  const timeIds = lastDim(tensorShape(unet.info, 'inputs', 'time_ids'));
  if (timeIds !== undefined && timeIds !== SDXL_TIME_IDS) {
    problems.push(`unet input "time_ids": expected ${SDXL_TIME_IDS} values per item (sizes and crop), found ${timeIds}${timeIds === 5 ? ' (an SDXL refiner UNet, which this family does not run)' : ''}`);
  }
  if (problems.length > 0) throw new SwitchyardError('model_contract_mismatch', `model ${model}: ${problems.join('; ')}`, { model, problems });
}

export const loadSdxl: FamilyLoader = async ({ id, dir, manifest, sessionOptions }) => {
  const tokenizer = await readClipTokenizer(id, dir, 'tokenizer');
  const tokenizer2 = await readClipTokenizer(id, dir, 'tokenizer_2');
  const { prediction, scheduler } = await predictionOf(dir, manifest);
  const schedule = scaledLinearSchedule(manifestNumber(scheduler, 'beta_start', 0.00085), manifestNumber(scheduler, 'beta_end', 0.012), manifestNumber(scheduler, 'num_train_timesteps', 1000));
  const opened = await openComponents(id, dir, [
    { folder: 'text_encoder', contract: SDXL_TEXT_ENCODER },
    { folder: 'text_encoder_2', contract: SDXL_TEXT_ENCODER_2 },
    { folder: 'unet', contract: SDXL_UNET },
    { folder: 'vae_decoder', contract: SDXL_VAE_DECODER },
    { folder: 'vae_encoder', contract: SDXL_VAE_ENCODER, optional: true },
  ], sessionOptions);
  const textEncoder = opened.sessions.text_encoder!;
  const textEncoder2 = opened.sessions.text_encoder_2!;
  const unet = opened.sessions.unet!;
  const vaeDecoder = opened.sessions.vae_decoder!;
  const vaeEncoder = opened.sessions.vae_encoder;
  const hidden1 = penultimateHiddenOutput(textEncoder.info.outputs.map((t) => t.name)) ?? 'last_hidden_state';
  const hidden2 = penultimateHiddenOutput(textEncoder2.info.outputs.map((t) => t.name)) ?? 'last_hidden_state';
  try {
    checkWiring(id, textEncoder, hidden1, textEncoder2, hidden2, unet);
  } catch (error) {
    await opened.release();
    throw error;
  }

  const latentChannels = manifestNumber(manifest, 'latent_channels', 4);
  const unetModel = {
    unet,
    schedule,
    prediction: prediction === 'v_prediction' ? 'v_prediction' as const : 'epsilon' as const,
    extras: (conds: readonly ConditioningValue[], shape: LatentShape) => {
      const pooled = stackConditioning(conds, 'pooled');
      return {
        text_embeds: floatInput(unet.info, 'text_embeds', pooled.data, pooled.dims),
        time_ids: floatInput(unet.info, 'time_ids', sdxlTimeIds(shape.width * 8, shape.height * 8, conds.length), [conds.length, SDXL_TIME_IDS]),
      };
    },
  };

  const runtime: DiffusionRuntime = {
    id,
    family: 'sdxl',
    latentChannels,
    downscale: 8,
    latentMultiple: 1,
    prediction,
    scale: manifestNumber(manifest, 'scaling_factor', SDXL_SCALING_FACTOR),
    shift: manifestNumber(manifest, 'shift_factor', 0),
    embedsGuidance: false,
    previewFactors: latentChannels === 4 ? SDXL_PREVIEW_FACTORS : undefined,
    async encodeText(prompt) {
      const [first, second] = await Promise.all([
        encodeClip(textEncoder, tokenizer, prompt, { hiddenOutput: hidden1 }),
        encodeClip(textEncoder2, tokenizer2, prompt, { hiddenOutput: hidden2 }),
      ]);
      if (first.context !== second.context) {
        throw new SwitchyardError('model_contract_mismatch', `model ${id}: the two text encoders answered ${first.context} and ${second.context} tokens; SDXL concatenates them token by token`, { model: id });
      }
      if (!second.pooled) throw new SwitchyardError('model_contract_mismatch', `model ${id}: text_encoder_2 gave no text_embeds`, { model: id, component: 'text_encoder_2' });
      return {
        kind: 'conditioning',
        family: 'sdxl',
        model: id,
        tensors: {
          hidden: { data: concatLastAxis(first.hidden, first.width, second.hidden, second.width, first.context), dims: [1, first.context, first.width + second.width] },
          pooled: { data: second.pooled, dims: [1, second.pooled.length] },
        },
        truncated: Math.max(first.truncated, second.truncated),
      };
    },
    sigmas: (scheduler, steps) => discreteSigmas(schedule, scheduler, steps),
    denoise: (x, shape, sigma, conds, options) => unetDenoise(unetModel, x, shape, sigma, conds, options),
    affine: unetAffine(unetModel),
    ...vaeMethods(vaeDecoder, vaeEncoder, latentChannels),
  };
  return { value: runtime, bytes: opened.bytes, release: opened.release };
};
