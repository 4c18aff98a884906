/**
 * Tensor contracts of the Flux components (dev and schnell) as diffusers/optimum ONNX exports
 * name them (FACTS-MODELS): CLIP-L (`pooler_output` is what Flux uses), T5-XXL
 * (`last_hidden_state`), the transformer on 2×2-packed latents, and the 16-channel VAE. Float
 * tensors may be float32 or float16; position ids come as float (diffusers builds them in the
 * latents' dtype) or as int32/int64 from other exporters, rank 2 ([N,3]) or the older rank 3
 * ([B,N,3]); `guidance` is there for dev only, which is how the loader tells the two apart.
 */
import type { ComponentContract } from '../../../engine/nodes/index.js';

const FLOAT = ['float32', 'float16'] as const;
const IDS = ['int32', 'int64'] as const;
const POSITIONS = ['float32', 'float16', 'int32', 'int64'] as const;

/** CLIP-L: only the pooled vector feeds Flux (`pooled_projections`). */
export const FLUX_CLIP_TEXT_ENCODER: ComponentContract = {
  component: 'text_encoder',
  inputs: [{ name: 'input_ids', types: IDS, ranks: [2] }],
  outputs: [
    { name: 'pooler_output', types: FLOAT, ranks: [2] },
    { name: 'last_hidden_state', types: FLOAT, ranks: [3], optional: true },
  ],
};

/** T5-XXL encoder: its last hidden state is the token conditioning (`encoder_hidden_states`). */
export const FLUX_T5_ENCODER: ComponentContract = {
  component: 'text_encoder_2',
  inputs: [
    { name: 'input_ids', types: IDS, ranks: [2] },
    // Some exports keep the mask input; Flux does not mask T5 (all ones are fed).
    { name: 'attention_mask', types: IDS, ranks: [2], optional: true },
  ],
  outputs: [{ name: 'last_hidden_state', types: FLOAT, ranks: [3] }],
};

export const FLUX_TRANSFORMER: ComponentContract = {
  component: 'transformer',
  inputs: [
    { name: 'hidden_states', types: FLOAT, ranks: [3] },
    { name: 'encoder_hidden_states', types: FLOAT, ranks: [3] },
    { name: 'pooled_projections', types: FLOAT, ranks: [2] },
    { name: 'timestep', types: FLOAT, ranks: [0, 1] },
    { name: 'img_ids', types: POSITIONS, ranks: [2, 3] },
    { name: 'txt_ids', types: POSITIONS, ranks: [2, 3] },
    { name: 'guidance', types: FLOAT, ranks: [0, 1], optional: true },
  ],
  outputs: [{ name: 'out_hidden_states', types: FLOAT, ranks: [3] }],
};

export const FLUX_VAE_DECODER: ComponentContract = {
  component: 'vae_decoder',
  inputs: [{ name: 'latent_sample', types: FLOAT, ranks: [4] }],
  outputs: [{ name: 'sample', types: FLOAT, ranks: [4] }],
};

export const FLUX_VAE_ENCODER: ComponentContract = {
  component: 'vae_encoder',
  inputs: [{ name: 'sample', types: FLOAT, ranks: [4] }],
  outputs: [{ name: 'latent_parameters', types: FLOAT, ranks: [4] }],
};
