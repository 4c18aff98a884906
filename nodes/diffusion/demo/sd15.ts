/**
 * A tiny SD 1.5 stand-in with the tensor names, ranks and dtypes of an optimum/diffusers ONNX
 * export (FACTS-MODELS), small enough to generate in milliseconds and run in well under one:
 *
 * - text_encoder: `input_ids` int32 [B,77] → `last_hidden_state` f32 [B,77,32] (an embedding
 *   lookup, tanh) and `pooler_output` f32 [B,32] (its mean over the sequence);
 * - unet: `sample` f32 [B,4,h,w], `timestep` f32 [1], `encoder_hidden_states` f32 [B,77,32]
 *   → `out_sample` f32 [B,4,h,w]: a toy ε-predictor that steers the latent towards colour
 *   fields set by the prompt and smooth blobs of the seed's noise (see `unet` below);
 * - vae_decoder: `latent_sample` f32 [B,4,h,w] → `sample` f32 [B,3,8h,8w] in [-1,1] (1×1
 *   convolution, ×8 nearest resize, tanh);
 * - vae_encoder: `sample` f32 [B,3,H,W] → `latent_parameters` f32 [B,8,H/8,W/8] (8×8 average
 *   pool, 1×1 convolution: mean and log-variance of 4 channels);
 * - tokenizer: a byte-level BPE vocabulary (every byte character, with and without `</w>`, and
 *   the start/end tokens) with no merges.
 *
 * Deterministic: weights come from a seeded PRNG, so the same files come out every time.
 */
import { SeededRandom } from '../sampling/noise.js';
import { BYTE_TO_CHAR } from '../text/byte-unicode.js';
import { END_TOKEN, START_TOKEN } from '../text/clip-tokenizer.js';
import { encodeOnnxModel } from '../../../engine/nodes/index.js';

export const SD15_HIDDEN = 32;
export const SD15_LATENT_CHANNELS = 4;

export interface StandInFiles {
  /** Relative path (with "/") → file content. */
  files: Record<string, Uint8Array | string>;
}

function weights(random: SeededRandom, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (random.nextFloat() * 2 - 1) * scale;
  return out;
}

/** The demo vocabulary: ids 0..511 byte characters (x, x</w>), then start and end. */
export function demoVocab(): Record<string, number> {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((char, byte) => {
    vocab[char] = 2 * byte;
    vocab[`${char}</w>`] = 2 * byte + 1;
  });
  vocab[START_TOKEN] = 512;
  vocab[END_TOKEN] = 513;
  return vocab;
}

function textEncoder(random: SeededRandom, vocabSize: number): Uint8Array {
  return encodeOnnxModel({
    name: 'text_encoder',
    inputs: [{ name: 'input_ids', type: 'int32', shape: ['batch', 77] }],
    outputs: [
      { name: 'last_hidden_state', type: 'float32', shape: ['batch', 77, SD15_HIDDEN] },
      { name: 'pooler_output', type: 'float32', shape: ['batch', SD15_HIDDEN] },
    ],
    initializers: [{ name: 'embedding', type: 'float32', dims: [vocabSize, SD15_HIDDEN], data: weights(random, vocabSize * SD15_HIDDEN, 1.5) }],
    nodes: [
      { op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['gathered'], attributes: { axis: { int: 0 } } },
      { op: 'Tanh', inputs: ['gathered'], outputs: ['last_hidden_state'] },
      { op: 'ReduceMean', inputs: ['last_hidden_state'], outputs: ['pooler_output'], attributes: { axes: { ints: [1] }, keepdims: { int: 0 } } },
    ],
  });
}

function unet(random: SeededRandom, lcm = false): Uint8Array {
  const c = SD15_LATENT_CHANNELS;
  // A toy denoiser: ε = x_in − s(t)·y, where y (the "clean" latent it steers towards) is a colour
  // from the prompt's mean embedding plus smooth blobs of the current sample, and
  // s(t) = exp(3.5 − 0.0062·t) ≈ 1/σ(t) on SD's schedule — so denoised = x − σ·ε lands near y
  // and the picture becomes colour fields that the prompt and the seed move. A small 3×3
  // convolution of the sample keeps every input in play.
  return encodeOnnxModel({
    name: 'unet',
    inputs: [
      { name: 'sample', type: 'float32', shape: ['batch', c, 'height', 'width'] },
      { name: 'timestep', type: 'float32', shape: [1] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 77, SD15_HIDDEN] },
      ...(lcm ? [{ name: 'timestep_cond', type: 'float32' as const, shape: ['batch', 256] }] : []),
    ],
    outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', c, 'height', 'width'] }],
    initializers: [
      { name: 'conv_w', type: 'float32', dims: [c, c, 3, 3], data: weights(random, c * c * 9, 0.02) },
      { name: 'conv_b', type: 'float32', dims: [c], data: new Float32Array(c) },
      { name: 'colour_w', type: 'float32', dims: [SD15_HIDDEN, c], data: weights(random, SD15_HIDDEN * c, 0.06) },
      { name: 'spatial_axes', type: 'int64', dims: [2], data: BigInt64Array.from([2n, 3n]) },
      { name: 'blob_gain', type: 'float32', dims: [1], data: Float32Array.from([0.6]) },
      { name: 't_slope', type: 'float32', dims: [1], data: Float32Array.from([-0.0062]) },
      { name: 't_offset', type: 'float32', dims: [1], data: Float32Array.from([3.5]) },
      ...(lcm ? [
        { name: 'cond_gain', type: 'float32' as const, dims: [1], data: Float32Array.from([0.05]) },
        { name: 'cond_axes', type: 'int64' as const, dims: [2], data: BigInt64Array.from([2n, 3n]) },
      ] : []),
    ],
    nodes: [
      { op: 'ReduceMean', inputs: ['encoder_hidden_states'], outputs: ['text_vec'], attributes: { axes: { ints: [1] }, keepdims: { int: 0 } } },
      { op: 'MatMul', inputs: ['text_vec', 'colour_w'], outputs: ['colour'] },
      { op: 'Unsqueeze', inputs: ['colour', 'spatial_axes'], outputs: ['colour_map'] },
      { op: 'AveragePool', inputs: ['sample'], outputs: ['blur1'], attributes: { kernel_shape: { ints: [5, 5] }, pads: { ints: [2, 2, 2, 2] }, count_include_pad: { int: 0 } } },
      { op: 'AveragePool', inputs: ['blur1'], outputs: ['blur2'], attributes: { kernel_shape: { ints: [5, 5] }, pads: { ints: [2, 2, 2, 2] }, count_include_pad: { int: 0 } } },
      { op: 'Mul', inputs: ['blur2', 'blob_gain'], outputs: ['blobs'] },
      { op: 'Add', inputs: ['colour_map', 'blobs'], outputs: ['target'] },
      { op: 'Mul', inputs: ['timestep', 't_slope'], outputs: ['t_lin'] },
      { op: 'Add', inputs: ['t_lin', 't_offset'], outputs: ['t_log'] },
      { op: 'Exp', inputs: ['t_log'], outputs: ['inv_sigma'] },
      { op: 'Mul', inputs: ['target', 'inv_sigma'], outputs: ['pull'] },
      { op: 'Sub', inputs: ['sample', 'pull'], outputs: ['eps'] },
      { op: 'Conv', inputs: ['sample', 'conv_w', 'conv_b'], outputs: ['detail'], attributes: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } } },
      ...(lcm
        ? [
          // LCM: the guidance embedding nudges every channel (keeps `timestep_cond` in play).
          { op: 'ReduceMean', inputs: ['timestep_cond'], outputs: ['cond_mean'], attributes: { axes: { ints: [1] }, keepdims: { int: 1 } } },
          { op: 'Mul', inputs: ['cond_mean', 'cond_gain'], outputs: ['cond_scaled'] },
          { op: 'Unsqueeze', inputs: ['cond_scaled', 'cond_axes'], outputs: ['cond_map'] },
          { op: 'Add', inputs: ['eps', 'detail'], outputs: ['eps_detail'] },
          { op: 'Add', inputs: ['eps_detail', 'cond_map'], outputs: ['out_sample'] },
        ]
        : [{ op: 'Add', inputs: ['eps', 'detail'], outputs: ['out_sample'] }]),
    ],
  });
}

function vaeDecoder(random: SeededRandom): Uint8Array {
  const c = SD15_LATENT_CHANNELS;
  return encodeOnnxModel({
    name: 'vae_decoder',
    inputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', c, 'latent_height', 'latent_width'] }],
    outputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    initializers: [
      { name: 'w', type: 'float32', dims: [3, c, 1, 1], data: weights(random, 3 * c, 0.12) },
      { name: 'b', type: 'float32', dims: [3], data: weights(random, 3, 0.1) },
      { name: 'roi', type: 'float32', dims: [0], data: new Float32Array(0) },
      { name: 'scales', type: 'float32', dims: [4], data: Float32Array.from([1, 1, 8, 8]) },
    ],
    nodes: [
      { op: 'Conv', inputs: ['latent_sample', 'w', 'b'], outputs: ['rgb'], attributes: { kernel_shape: { ints: [1, 1] } } },
      { op: 'Resize', inputs: ['rgb', 'roi', 'scales'], outputs: ['big'], attributes: { mode: { string: 'nearest' } } },
      { op: 'Tanh', inputs: ['big'], outputs: ['sample'] },
    ],
  });
}

function vaeEncoder(random: SeededRandom): Uint8Array {
  const c = SD15_LATENT_CHANNELS;
  return encodeOnnxModel({
    name: 'vae_encoder',
    inputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    outputs: [{ name: 'latent_parameters', type: 'float32', shape: ['batch', 2 * c, 'latent_height', 'latent_width'] }],
    initializers: [
      { name: 'w', type: 'float32', dims: [2 * c, 3, 1, 1], data: weights(random, 2 * c * 3, 0.8) },
      { name: 'b', type: 'float32', dims: [2 * c], data: weights(random, 2 * c, 0.1) },
    ],
    nodes: [
      { op: 'AveragePool', inputs: ['sample'], outputs: ['pooled'], attributes: { kernel_shape: { ints: [8, 8] }, strides: { ints: [8, 8] } } },
      { op: 'Conv', inputs: ['pooled', 'w', 'b'], outputs: ['latent_parameters'], attributes: { kernel_shape: { ints: [1, 1] } } },
    ],
  });
}

/**
 * Every file of the `demo-sd15` folder (diffusers layout plus our manifest). `lcm` adds the
 * `timestep_cond` input of an LCM-distilled UNet (a guidance embedding, no CFG batch).
 */
export function sd15StandIn(seed = 15, options: { lcm?: boolean } = {}): StandInFiles {
  const random = new SeededRandom(seed);
  const vocab = demoVocab();
  const vocabSize = Object.keys(vocab).length;
  return {
    files: {
      'model_index.json': `${JSON.stringify({ _class_name: 'StableDiffusionPipeline', _diffusers_version: '0.30.0', text_encoder: ['transformers', 'CLIPTextModel'], unet: ['diffusers', 'UNet2DConditionModel'], vae_decoder: ['diffusers', 'AutoencoderKL'], vae_encoder: ['diffusers', 'AutoencoderKL'], tokenizer: ['transformers', 'CLIPTokenizer'], scheduler: ['diffusers', 'EulerDiscreteScheduler'] }, null, 2)}\n`,
      'manifest.json': `${JSON.stringify({ family: 'sd15', name: 'demo-sd15', demo: true, latent_channels: SD15_LATENT_CHANNELS, scaling_factor: 0.18215, prediction_type: 'epsilon', description: 'A tiny stand-in with the tensor names and ranks of an SD 1.5 ONNX export; it draws colour fields, not art.' }, null, 2)}\n`,
      'text_encoder/model.onnx': textEncoder(random, vocabSize),
      'unet/model.onnx': unet(random, options.lcm),
      'vae_decoder/model.onnx': vaeDecoder(random),
      'vae_encoder/model.onnx': vaeEncoder(random),
      'tokenizer/vocab.json': `${JSON.stringify(vocab)}\n`,
      'tokenizer/merges.txt': '#version: 0.2\n',
      'scheduler/scheduler_config.json': `${JSON.stringify({ _class_name: 'EulerDiscreteScheduler', beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000, prediction_type: 'epsilon' }, null, 2)}\n`,
    },
  };
}
