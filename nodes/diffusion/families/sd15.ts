/**
 * SD 1.x / 2.x (and their LCM / Turbo distillations): one CLIP text encoder (`last_hidden_state`
 * as the conditioning), a discrete-time UNet on 4-channel latents (ε- or v-prediction from
 * manifest.json or scheduler_config.json; LCM UNets take `timestep_cond`, a guidance
 * embedding, instead of classifier-free guidance), and the VAE at scaling factor 0.18215.
 */
import { join } from 'node:path';
import { SD_TEXT_ENCODER, SD_UNET, SD_VAE_DECODER, SD_VAE_ENCODER } from '../contracts.js';
import type { FamilyLoader } from '../model/load.js';
import { manifestNumber, openComponents, readClipTokenizer, readJsonFile } from '../model/folder.js';
import type { ConditioningValue, DiffusionRuntime, Prediction } from '../model/types.js';
import { scaledLinearSchedule } from '../sampling/sigmas.js';
import { encodeClip } from './shared/clip-encode.js';
import { floatInput, hasInput } from './shared/tensors.js';
import { discreteSigmas, guidanceEmbedding, unetAffine, unetDenoise } from './shared/unet.js';
import { vaeMethods } from './shared/vae.js';

/** Latent → RGB factors for previews (SD 1.x VAE). */
export const SD15_PREVIEW_FACTORS = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
] as const;

/** prediction_type from manifest.json, then scheduler_config.json; ε by default. */
export async function predictionOf(dir: string, manifest: Record<string, unknown> | undefined): Promise<{ prediction: Prediction; scheduler: Record<string, unknown> | undefined }> {
  const scheduler = await readJsonFile(join(dir, 'scheduler', 'scheduler_config.json'));
  const stated = manifest?.prediction_type ?? scheduler?.prediction_type;
  return { prediction: stated === 'v_prediction' ? 'v_prediction' : 'epsilon', scheduler };
}

export const loadSd15: FamilyLoader = async ({ id, dir, manifest, sessionOptions }) => {
  const tokenizer = await readClipTokenizer(id, dir, 'tokenizer');
  const { prediction, scheduler } = await predictionOf(dir, manifest);
  const schedule = scaledLinearSchedule(manifestNumber(scheduler, 'beta_start', 0.00085), manifestNumber(scheduler, 'beta_end', 0.012), manifestNumber(scheduler, 'num_train_timesteps', 1000));
  const opened = await openComponents(id, dir, [
    { folder: 'text_encoder', contract: SD_TEXT_ENCODER },
    { folder: 'unet', contract: SD_UNET },
    { folder: 'vae_decoder', contract: SD_VAE_DECODER },
    { folder: 'vae_encoder', contract: SD_VAE_ENCODER, optional: true },
  ], sessionOptions);
  const textEncoder = opened.sessions.text_encoder!;
  const unet = opened.sessions.unet!;
  const vaeDecoder = opened.sessions.vae_decoder!;
  const vaeEncoder = opened.sessions.vae_encoder;
  const latentChannels = manifestNumber(manifest, 'latent_channels', 4);
  const lcm = hasInput(unet.info, 'timestep_cond');
  const unetModel = {
    unet,
    schedule,
    prediction: prediction === 'v_prediction' ? 'v_prediction' as const : 'epsilon' as const,
    extras: lcm ? (conds: readonly ConditioningValue[], _shape: unknown, guidance: number) => ({ timestep_cond: floatInput(unet.info, 'timestep_cond', guidanceEmbedding(guidance, conds.length), [conds.length, 256]) }) : undefined,
  };

  const runtime: DiffusionRuntime = {
    id,
    family: 'sd15',
    latentChannels,
    downscale: 8,
    latentMultiple: 1,
    prediction,
    scale: manifestNumber(manifest, 'scaling_factor', 0.18215),
    shift: manifestNumber(manifest, 'shift_factor', 0),
    embedsGuidance: lcm,
    previewFactors: latentChannels === 4 ? SD15_PREVIEW_FACTORS : undefined,
    async encodeText(prompt) {
      const encoded = await encodeClip(textEncoder, tokenizer, prompt);
      return { kind: 'conditioning', family: 'sd15', model: id, tensors: { hidden: { data: encoded.hidden, dims: [1, encoded.context, encoded.width] } }, truncated: encoded.truncated };
    },
    sigmas: (scheduler, steps) => discreteSigmas(schedule, scheduler, steps),
    denoise: (x, shape, sigma, conds, options) => unetDenoise(unetModel, x, shape, sigma, conds, options),
    affine: unetAffine(unetModel),
    ...vaeMethods(vaeDecoder, vaeEncoder, latentChannels),
  };
  return { value: runtime, bytes: opened.bytes, release: opened.release };
};
