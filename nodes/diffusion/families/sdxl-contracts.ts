/**
 * Tensor contracts of the SDXL components as optimum/diffusers ONNX exports name them
 * (FACTS-MODELS): CLIP-L `text_encoder` and OpenCLIP bigG `text_encoder_2` (which must answer
 * `text_embeds`, the pooled projection), and a UNet that takes the two micro-conditioning extras
 * `text_embeds` [B,1280] and `time_ids` [B,6] besides the SD inputs. The VAE is SD's contract.
 * The `hidden_states.N` outputs are optional and unnamed here (their count differs per
 * encoder); the loader picks the penultimate one and checks its rank itself.
 */
import type { ComponentContract } from '../../../engine/nodes/index.js';
import { SD_VAE_DECODER, SD_VAE_ENCODER } from '../contracts.js';

const FLOAT = ['float32', 'float16'] as const;

export const SDXL_TEXT_ENCODER: ComponentContract = {
  component: 'text_encoder',
  inputs: [{ name: 'input_ids', types: ['int32', 'int64'], ranks: [2] }],
  outputs: [
    { name: 'last_hidden_state', types: FLOAT, ranks: [3] },
    { name: 'pooler_output', types: FLOAT, ranks: [2], optional: true },
  ],
};

export const SDXL_TEXT_ENCODER_2: ComponentContract = {
  component: 'text_encoder_2',
  inputs: [{ name: 'input_ids', types: ['int32', 'int64'], ranks: [2] }],
  outputs: [
    { name: 'text_embeds', types: FLOAT, ranks: [2] },
    { name: 'last_hidden_state', types: FLOAT, ranks: [3] },
  ],
};

export const SDXL_UNET: ComponentContract = {
  component: 'unet',
  inputs: [
    { name: 'sample', types: FLOAT, ranks: [4] },
    { name: 'timestep', types: ['int64', 'float32', 'float16'], ranks: [0, 1] },
    { name: 'encoder_hidden_states', types: FLOAT, ranks: [3] },
    { name: 'text_embeds', types: FLOAT, ranks: [2] },
    { name: 'time_ids', types: FLOAT, ranks: [2] },
  ],
  outputs: [{ name: 'out_sample', types: FLOAT, ranks: [4] }],
};

export const SDXL_VAE_DECODER: ComponentContract = SD_VAE_DECODER;
export const SDXL_VAE_ENCODER: ComponentContract = SD_VAE_ENCODER;
