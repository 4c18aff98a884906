/**
 * Tensor contracts of the SD 1.x/2.x components as ONNX exports name them (FACTS-MODELS):
 * what `openSession` checks before a pipeline runs a component. Id and timestep dtypes accept
 * what exporters actually produce (int32 or int64 ids; int64, float32 or float16 timesteps;
 * scalar, [1] or [B]).
 */
import type { ComponentContract } from '../../engine/nodes/index.js';

const FLOAT = ['float32', 'float16'] as const;

export const SD_TEXT_ENCODER: ComponentContract = {
  component: 'text_encoder',
  inputs: [{ name: 'input_ids', types: ['int32', 'int64'], ranks: [2] }],
  outputs: [
    { name: 'last_hidden_state', types: FLOAT, ranks: [3] },
    { name: 'pooler_output', types: FLOAT, ranks: [2], optional: true },
  ],
};

export const SD_UNET: ComponentContract = {
  component: 'unet',
  inputs: [
    { name: 'sample', types: FLOAT, ranks: [4] },
    { name: 'timestep', types: ['int64', 'float32', 'float16'], ranks: [0, 1] },
    { name: 'encoder_hidden_states', types: FLOAT, ranks: [3] },
    { name: 'timestep_cond', types: FLOAT, ranks: [2], optional: true },
  ],
  outputs: [{ name: 'out_sample', types: FLOAT, ranks: [4] }],
};

export const SD_VAE_DECODER: ComponentContract = {
  component: 'vae_decoder',
  inputs: [{ name: 'latent_sample', types: FLOAT, ranks: [4] }],
  outputs: [{ name: 'sample', types: FLOAT, ranks: [4] }],
};

export const SD_VAE_ENCODER: ComponentContract = {
  component: 'vae_encoder',
  inputs: [{ name: 'sample', types: FLOAT, ranks: [4] }],
  outputs: [{ name: 'latent_parameters', types: FLOAT, ranks: [4] }],
};
