/**
 * Tensor contracts of the SD3 components as optimum/diffusers ONNX exports name them
 * (FACTS-MODELS): two CLIP encoders with projection — CLIP-L `text_encoder` and OpenCLIP bigG
 * `text_encoder_2`, both answering `text_embeds` (their halves of the pooled vector) — the
 * T5-XXL `text_encoder_3` (`last_hidden_state`; optional in the folder: SD3 runs without it),
 * the MMDiT `transformer` on 16-channel latents (velocity out), and the VAE (SD's VAE contract
 * at 16 channels). The `hidden_states.N` outputs are optional and unnamed here (their count
 * differs per encoder); the loader picks the penultimate one. Widths are never part of a
 * contract: the loader reads them from the sessions and checks they fit together.
 */
import type { ComponentContract } from '../../../engine/nodes/index.js';
import { SD_VAE_DECODER, SD_VAE_ENCODER } from '../contracts.js';

const FLOAT = ['float32', 'float16'] as const;
const IDS = ['int32', 'int64'] as const;

const CLIP_WITH_PROJECTION = {
  inputs: [{ name: 'input_ids', types: IDS, ranks: [2] }],
  outputs: [
    { name: 'text_embeds', types: FLOAT, ranks: [2] },
    { name: 'last_hidden_state', types: FLOAT, ranks: [3] },
  ],
};

/** CLIP-L with projection: `text_embeds` [B,768], hidden [B,77,768]. */
export const SD3_TEXT_ENCODER: ComponentContract = { component: 'text_encoder', ...CLIP_WITH_PROJECTION };

/** OpenCLIP bigG with projection: `text_embeds` [B,1280], hidden [B,77,1280]. */
export const SD3_TEXT_ENCODER_2: ComponentContract = { component: 'text_encoder_2', ...CLIP_WITH_PROJECTION };

/** T5-XXL encoder: `last_hidden_state` [B,S,4096] (S = 256 for SD3). */
export const SD3_TEXT_ENCODER_3: ComponentContract = {
  component: 'text_encoder_3',
  inputs: [
    { name: 'input_ids', types: IDS, ranks: [2] },
    // Some exports keep the mask input; SD3 does not mask T5 (all ones are fed).
    { name: 'attention_mask', types: IDS, ranks: [2], optional: true },
  ],
  outputs: [{ name: 'last_hidden_state', types: FLOAT, ranks: [3] }],
};

/** The MMDiT: latents, token conditioning [B,77+S,4096], pooled [B,2048], timestep σ·1000 → velocity. */
export const SD3_TRANSFORMER: ComponentContract = {
  component: 'transformer',
  inputs: [
    { name: 'hidden_states', types: FLOAT, ranks: [4] },
    { name: 'encoder_hidden_states', types: FLOAT, ranks: [3] },
    { name: 'pooled_projections', types: FLOAT, ranks: [2] },
    { name: 'timestep', types: ['float32', 'float16', 'int64'], ranks: [0, 1] },
  ],
  outputs: [{ name: 'out_hidden_states', types: FLOAT, ranks: [4] }],
};

export const SD3_VAE_DECODER: ComponentContract = SD_VAE_DECODER;
export const SD3_VAE_ENCODER: ComponentContract = SD_VAE_ENCODER;
