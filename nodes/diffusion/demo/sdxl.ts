/**
 * A tiny SDXL stand-in with the tensor names, ranks and dtypes of an optimum/diffusers ONNX
 * export (FACTS-MODELS), at toy widths (16 and 24 instead of 768 and 1280, 12 instead of the
 * 1280-wide pooled projection), generated and run in a few milliseconds:
 *
 * - text_encoder (CLIP-L's place): `input_ids` int32 [B,77] → `last_hidden_state` [B,77,16],
 *   `pooler_output` [B,16] and `hidden_states.0..2` (embeddings, then 2 layers);
 * - text_encoder_2 (bigG's place): `input_ids` int64 [B,77] → `text_embeds` [B,12],
 *   `last_hidden_state` [B,77,24] and `hidden_states.0..3` (3 layers) — different layer
 *   counts, so "the penultimate layer" means a different N for each, as in real exports.
 *   Each layer mixes in the running (causal) mean of the tokens before it, as CLIP's causal
 *   attention does, so the padding after a prompt carries the prompt;
 * - unet: `sample` [B,4,h,w], `timestep` int64 [steps], `encoder_hidden_states` [B,77,40],
 *   `text_embeds` [B,12], `time_ids` [B,6] → `out_sample`: a toy ε-predictor that steers the
 *   latent towards colour fields — a colour and two gradients set by the prompt (hidden states
 *   and pooled vector), a tint set by the image size (`time_ids`), and smooth blobs of the
 *   seed's noise (see `unet` below);
 * - vae_decoder / vae_encoder: SD's VAE contract (1×1 convolution and ×8 bilinear resize; 8×8
 *   average pool and 1×1 convolution to mean‖log-variance);
 * - tokenizer/ and tokenizer_2/: the demo byte-level vocabulary; tokenizer_2 pads with "!" as
 *   SDXL's second tokenizer does (its special_tokens_map.json says so).
 *
 * Deterministic: weights come from a seeded PRNG, so the same files come out every time.
 */
import { encodeOnnxModel, type ElementType, type OnnxNodeSpec, type TensorSpec, type ValueSpec } from '../../../engine/nodes/index.js';
import { SeededRandom } from '../sampling/noise.js';
import { scaledLinearSchedule } from '../sampling/sigmas.js';
import { END_TOKEN, START_TOKEN } from '../text/clip-tokenizer.js';
import { demoVocab, type StandInFiles } from './sd15.js';

/** The stand-in's widths (real SDXL: 768, 1280, 1280 pooled). */
export const SDXL_DEMO = {
  hidden1: 16,
  hidden2: 24,
  pooled: 12,
  layers1: 2,
  layers2: 3,
  latentChannels: 4,
} as const;

const CONTEXT = 77;

function weights(random: SeededRandom, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (random.nextFloat() * 2 - 1) * scale;
  return out;
}

interface EncoderSpec {
  name: string;
  idsType: ElementType;
  width: number;
  layers: number;
  /** `pooler_output` (CLIP-L, the sequence mean) or `text_embeds` (bigG, a projection of it). */
  pooled: { name: 'pooler_output' } | { name: 'text_embeds'; width: number };
}

function textEncoder(random: SeededRandom, vocabSize: number, spec: EncoderSpec): Uint8Array {
  const { width, layers } = spec;
  const initializers: TensorSpec[] = [
    { name: 'embedding', type: 'float32', dims: [vocabSize, width], data: weights(random, vocabSize * width, 1.5) },
    { name: 'seq_axis', type: 'int64', dims: [], data: BigInt64Array.from([1n]) },
    // 1/position, to turn a running sum over the sequence into a running mean.
    { name: 'inv_position', type: 'float32', dims: [CONTEXT, 1], data: Float32Array.from({ length: CONTEXT }, (_, i) => 1 / (i + 1)) },
    { name: 'ln_scale', type: 'float32', dims: [width], data: Float32Array.from({ length: width }, () => 1) },
    { name: 'ln_bias', type: 'float32', dims: [width], data: new Float32Array(width) },
  ];
  const nodes: OnnxNodeSpec[] = [{ op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['hidden_states.0'], attributes: { axis: { int: 0 } } }];
  for (let i = 1; i <= layers; i++) {
    const previous = `hidden_states.${i - 1}`;
    initializers.push(
      { name: `self_w${i}`, type: 'float32', dims: [width, width], data: weights(random, width * width, 1 / Math.sqrt(width)) },
      { name: `mix_w${i}`, type: 'float32', dims: [width, width], data: weights(random, width * width, 2 / Math.sqrt(width)) },
    );
    nodes.push(
      { op: 'CumSum', inputs: [previous, 'seq_axis'], outputs: [`sum${i}`] },
      { op: 'Mul', inputs: [`sum${i}`, 'inv_position'], outputs: [`causal${i}`] },
      { op: 'MatMul', inputs: [previous, `self_w${i}`], outputs: [`self${i}`] },
      { op: 'MatMul', inputs: [`causal${i}`, `mix_w${i}`], outputs: [`mixed${i}`] },
      { op: 'Add', inputs: [`self${i}`, `mixed${i}`], outputs: [`update${i}`] },
      { op: 'Add', inputs: [`update${i}`, previous], outputs: [`residual${i}`] },
      { op: 'Tanh', inputs: [`residual${i}`], outputs: [`hidden_states.${i}`] },
    );
  }
  nodes.push(
    { op: 'LayerNormalization', inputs: [`hidden_states.${layers}`, 'ln_scale', 'ln_bias'], outputs: ['last_hidden_state'], attributes: { axis: { int: -1 }, epsilon: { float: 1e-5 } } },
    { op: 'ReduceMean', inputs: ['last_hidden_state'], outputs: [spec.pooled.name === 'pooler_output' ? 'pooler_output' : 'sequence_mean'], attributes: { axes: { ints: [1] }, keepdims: { int: 0 } } },
  );
  const hiddenOutputs: ValueSpec[] = Array.from({ length: layers + 1 }, (_, i) => ({ name: `hidden_states.${i}`, type: 'float32', shape: ['batch', CONTEXT, width] }));
  const lastHidden: ValueSpec = { name: 'last_hidden_state', type: 'float32', shape: ['batch', CONTEXT, width] };
  let outputs: ValueSpec[];
  if (spec.pooled.name === 'text_embeds') {
    initializers.push({ name: 'text_projection', type: 'float32', dims: [width, spec.pooled.width], data: weights(random, width * spec.pooled.width, 2 / Math.sqrt(width)) });
    nodes.push({ op: 'MatMul', inputs: ['sequence_mean', 'text_projection'], outputs: ['text_embeds'] });
    outputs = [{ name: 'text_embeds', type: 'float32', shape: ['batch', spec.pooled.width] }, lastHidden, ...hiddenOutputs];
  } else {
    outputs = [lastHidden, { name: 'pooler_output', type: 'float32', shape: ['batch', width] }, ...hiddenOutputs];
  }
  return encodeOnnxModel({
    name: spec.name,
    inputs: [{ name: 'input_ids', type: spec.idsType, shape: ['batch', CONTEXT] }],
    outputs,
    initializers,
    nodes,
  });
}

/** A [B,C,h,w] ramp from about −½ to ½ along `axis` (2: top to bottom, 3: left to right), whatever the size. */
function rampNodes(axis: 2 | 3, output: string): OnnxNodeSpec[] {
  return [
    { op: 'CumSum', inputs: ['ones', `axis${axis}`], outputs: [`count${axis}`] },
    { op: 'ReduceMax', inputs: [`count${axis}`], outputs: [`extent${axis}`], attributes: { axes: { ints: [axis] }, keepdims: { int: 1 } } },
    { op: 'Div', inputs: [`count${axis}`, `extent${axis}`], outputs: [`fraction${axis}`] },
    { op: 'Sub', inputs: [`fraction${axis}`, 'half'], outputs: [output] },
  ];
}

function unet(random: SeededRandom): Uint8Array {
  const schedule = scaledLinearSchedule();
  const c = SDXL_DEMO.latentChannels;
  const hidden = SDXL_DEMO.hidden1 + SDXL_DEMO.hidden2;
  const pooled = SDXL_DEMO.pooled;
  // A toy ε-predictor: it computes a "clean" latent y and answers ε = (x − y)/σ in terms of
  // its scaled input x_in = x/√(σ²+1), i.e. ε = x_in·√(σ²+1)/σ − y/σ, with both factors
  // looked up by the (int64) timestep in tables of the training schedule — so the sampler's
  // denoised = x − σ·ε lands on y. y is a colour plus left-right and top-bottom gradients set
  // by the prompt (the mean hidden state and the pooled `text_embeds`), a tint set by the image
  // size (`time_ids` in pixels, scaled down), smooth blobs of the current sample normalised to
  // a fixed strength (the seed's noise shapes them; normalising keeps them from fading or
  // growing step after step), and a small 3×3 convolution of the sample.
  const sigmas = Array.from(schedule.sigmas);
  return encodeOnnxModel({
    name: 'unet',
    inputs: [
      { name: 'sample', type: 'float32', shape: ['batch', c, 'height', 'width'] },
      { name: 'timestep', type: 'int64', shape: ['steps'] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', CONTEXT, hidden] },
      { name: 'text_embeds', type: 'float32', shape: ['batch', pooled] },
      { name: 'time_ids', type: 'float32', shape: ['batch', 6] },
    ],
    outputs: [{ name: 'out_sample', type: 'float32', shape: ['batch', c, 'height', 'width'] }],
    initializers: [
      { name: 'conv_w', type: 'float32', dims: [c, c, 3, 3], data: weights(random, c * c * 9, 0.02) },
      { name: 'conv_b', type: 'float32', dims: [c], data: new Float32Array(c) },
      { name: 'colour_w', type: 'float32', dims: [hidden, c], data: weights(random, hidden * c, 0.05) },
      { name: 'pooled_w', type: 'float32', dims: [pooled, c], data: weights(random, pooled * c, 0.08) },
      { name: 'size_w', type: 'float32', dims: [6, c], data: weights(random, 6 * c, 0.1) },
      { name: 'gradient_x_w', type: 'float32', dims: [pooled, c], data: weights(random, pooled * c, 0.12) },
      { name: 'gradient_y_w', type: 'float32', dims: [hidden, c], data: weights(random, hidden * c, 0.08) },
      { name: 'size_scale', type: 'float32', dims: [1], data: Float32Array.from([1 / 1024]) },
      { name: 'spatial_axes', type: 'int64', dims: [2], data: BigInt64Array.from([2n, 3n]) },
      { name: 'axis2', type: 'int64', dims: [], data: BigInt64Array.from([2n]) },
      { name: 'axis3', type: 'int64', dims: [], data: BigInt64Array.from([3n]) },
      { name: 'half', type: 'float32', dims: [1], data: Float32Array.from([0.5]) },
      { name: 'tiny', type: 'float32', dims: [1], data: Float32Array.from([1e-6]) },
      { name: 'per_item', type: 'int64', dims: [4], data: BigInt64Array.from([-1n, 1n, 1n, 1n]) },
      { name: 'blob_gain', type: 'float32', dims: [1], data: Float32Array.from([0.6]) },
      { name: 'input_table', type: 'float32', dims: [sigmas.length], data: Float32Array.from(sigmas, (sigma) => Math.sqrt(sigma * sigma + 1) / sigma) },
      { name: 'target_table', type: 'float32', dims: [sigmas.length], data: Float32Array.from(sigmas, (sigma) => 1 / sigma) },
    ],
    nodes: [
      // The prompt's colour, and the image size's tint.
      { op: 'ReduceMean', inputs: ['encoder_hidden_states'], outputs: ['text_vec'], attributes: { axes: { ints: [1] }, keepdims: { int: 0 } } },
      { op: 'MatMul', inputs: ['text_vec', 'colour_w'], outputs: ['colour_text'] },
      { op: 'MatMul', inputs: ['text_embeds', 'pooled_w'], outputs: ['colour_pooled'] },
      { op: 'Mul', inputs: ['time_ids', 'size_scale'], outputs: ['size_vec'] },
      { op: 'MatMul', inputs: ['size_vec', 'size_w'], outputs: ['colour_size'] },
      { op: 'Add', inputs: ['colour_text', 'colour_pooled'], outputs: ['colour_prompt'] },
      { op: 'Add', inputs: ['colour_prompt', 'colour_size'], outputs: ['colour'] },
      { op: 'Unsqueeze', inputs: ['colour', 'spatial_axes'], outputs: ['colour_map'] },
      // Gradients across the picture, their directions per channel set by the prompt.
      { op: 'Shape', inputs: ['sample'], outputs: ['sample_shape'] },
      { op: 'ConstantOfShape', inputs: ['sample_shape'], outputs: ['ones'], attributes: { value: { tensor: { name: 'one', type: 'float32', dims: [1], data: Float32Array.from([1]) } } } },
      ...rampNodes(3, 'ramp_x'),
      ...rampNodes(2, 'ramp_y'),
      { op: 'MatMul', inputs: ['text_embeds', 'gradient_x_w'], outputs: ['gradient_x'] },
      { op: 'MatMul', inputs: ['text_vec', 'gradient_y_w'], outputs: ['gradient_y'] },
      { op: 'Unsqueeze', inputs: ['gradient_x', 'spatial_axes'], outputs: ['gradient_x_map'] },
      { op: 'Unsqueeze', inputs: ['gradient_y', 'spatial_axes'], outputs: ['gradient_y_map'] },
      { op: 'Mul', inputs: ['ramp_x', 'gradient_x_map'], outputs: ['field_x'] },
      { op: 'Mul', inputs: ['ramp_y', 'gradient_y_map'], outputs: ['field_y'] },
      { op: 'Add', inputs: ['field_x', 'field_y'], outputs: ['field'] },
      { op: 'Add', inputs: ['colour_map', 'field'], outputs: ['colour_field'] },
      // Smooth blobs of the sample, normalised per item and channel.
      { op: 'AveragePool', inputs: ['sample'], outputs: ['blur1'], attributes: { kernel_shape: { ints: [5, 5] }, pads: { ints: [2, 2, 2, 2] }, count_include_pad: { int: 0 } } },
      { op: 'AveragePool', inputs: ['blur1'], outputs: ['blur2'], attributes: { kernel_shape: { ints: [5, 5] }, pads: { ints: [2, 2, 2, 2] }, count_include_pad: { int: 0 } } },
      { op: 'ReduceMean', inputs: ['blur2'], outputs: ['blur_mean'], attributes: { axes: { ints: [2, 3] }, keepdims: { int: 1 } } },
      { op: 'Sub', inputs: ['blur2', 'blur_mean'], outputs: ['blur_centred'] },
      { op: 'Mul', inputs: ['blur_centred', 'blur_centred'], outputs: ['blur_square'] },
      { op: 'ReduceMean', inputs: ['blur_square'], outputs: ['blur_variance'], attributes: { axes: { ints: [2, 3] }, keepdims: { int: 1 } } },
      { op: 'Add', inputs: ['blur_variance', 'tiny'], outputs: ['blur_variance_safe'] },
      { op: 'Sqrt', inputs: ['blur_variance_safe'], outputs: ['blur_std'] },
      { op: 'Div', inputs: ['blur_centred', 'blur_std'], outputs: ['blur_unit'] },
      { op: 'Mul', inputs: ['blur_unit', 'blob_gain'], outputs: ['blobs'] },
      { op: 'Conv', inputs: ['sample', 'conv_w', 'conv_b'], outputs: ['detail'], attributes: { kernel_shape: { ints: [3, 3] }, pads: { ints: [1, 1, 1, 1] } } },
      { op: 'Add', inputs: ['colour_field', 'blobs'], outputs: ['shaped'] },
      { op: 'Add', inputs: ['shaped', 'detail'], outputs: ['target'] },
      // ε = x_in·√(σ²+1)/σ − y/σ, σ from the timestep (per item, or one for the batch).
      { op: 'Gather', inputs: ['input_table', 'timestep'], outputs: ['input_factor_t'], attributes: { axis: { int: 0 } } },
      { op: 'Gather', inputs: ['target_table', 'timestep'], outputs: ['target_factor_t'], attributes: { axis: { int: 0 } } },
      { op: 'Reshape', inputs: ['input_factor_t', 'per_item'], outputs: ['input_factor'] },
      { op: 'Reshape', inputs: ['target_factor_t', 'per_item'], outputs: ['target_factor'] },
      { op: 'Mul', inputs: ['sample', 'input_factor'], outputs: ['from_sample'] },
      { op: 'Mul', inputs: ['target', 'target_factor'], outputs: ['from_target'] },
      { op: 'Sub', inputs: ['from_sample', 'from_target'], outputs: ['out_sample'] },
    ],
  });
}

/** Latent channel → RGB of the demo decoder (channel 0 brightness, the rest hue), per model-space unit. */
const DECODER_RGB = [
  [0.6, -0.45, 0.35, -0.4],
  [0.6, 0.15, -0.5, -0.25],
  [0.6, 0.45, 0.15, 0.5],
] as const;

function vaeDecoder(random: SeededRandom): Uint8Array {
  const c = SDXL_DEMO.latentChannels;
  return encodeOnnxModel({
    name: 'vae_decoder',
    inputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', c, 'latent_height', 'latent_width'] }],
    outputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    initializers: [
      // The decoder takes raw latents (model space ÷ 0.13025): scale the colours back.
      { name: 'w', type: 'float32', dims: [3, c, 1, 1], data: Float32Array.from(DECODER_RGB.flat(), (v) => v * 0.13025 * 1.4) },
      { name: 'b', type: 'float32', dims: [3], data: weights(random, 3, 0.1) },
      { name: 'roi', type: 'float32', dims: [0], data: new Float32Array(0) },
      { name: 'scales', type: 'float32', dims: [4], data: Float32Array.from([1, 1, 8, 8]) },
    ],
    nodes: [
      { op: 'Conv', inputs: ['latent_sample', 'w', 'b'], outputs: ['rgb'], attributes: { kernel_shape: { ints: [1, 1] } } },
      { op: 'Resize', inputs: ['rgb', 'roi', 'scales'], outputs: ['big'], attributes: { mode: { string: 'linear' } } },
      { op: 'Tanh', inputs: ['big'], outputs: ['sample'] },
    ],
  });
}

function vaeEncoder(random: SeededRandom): Uint8Array {
  const c = SDXL_DEMO.latentChannels;
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

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Every file of the `demo-sdxl` folder (diffusers layout plus our manifest). */
export function sdxlStandIn(seed = 17): StandInFiles {
  const random = new SeededRandom(seed);
  const vocab = demoVocab();
  const vocabSize = Object.keys(vocab).length;
  const vocabJson = `${JSON.stringify(vocab)}\n`;
  const merges = '#version: 0.2\n';
  const specialTokens = (pad: string) => json({ bos_token: START_TOKEN, eos_token: END_TOKEN, unk_token: END_TOKEN, pad_token: pad });
  return {
    files: {
      'model_index.json': json({
        _class_name: 'StableDiffusionXLPipeline',
        _diffusers_version: '0.30.0',
        text_encoder: ['transformers', 'CLIPTextModel'],
        text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
        tokenizer: ['transformers', 'CLIPTokenizer'],
        tokenizer_2: ['transformers', 'CLIPTokenizer'],
        unet: ['diffusers', 'UNet2DConditionModel'],
        vae_decoder: ['diffusers', 'AutoencoderKL'],
        vae_encoder: ['diffusers', 'AutoencoderKL'],
        scheduler: ['diffusers', 'EulerDiscreteScheduler'],
      }),
      'manifest.json': json({
        family: 'sdxl',
        name: 'demo-sdxl',
        demo: true,
        latent_channels: SDXL_DEMO.latentChannels,
        scaling_factor: 0.13025,
        prediction_type: 'epsilon',
        description: 'A tiny stand-in with the tensor names and ranks of an SDXL ONNX export (two text encoders, the text_embeds/time_ids UNet extras); it draws colour fields, not art.',
      }),
      'text_encoder/model.onnx': textEncoder(random, vocabSize, { name: 'text_encoder', idsType: 'int32', width: SDXL_DEMO.hidden1, layers: SDXL_DEMO.layers1, pooled: { name: 'pooler_output' } }),
      'text_encoder_2/model.onnx': textEncoder(random, vocabSize, { name: 'text_encoder_2', idsType: 'int64', width: SDXL_DEMO.hidden2, layers: SDXL_DEMO.layers2, pooled: { name: 'text_embeds', width: SDXL_DEMO.pooled } }),
      'unet/model.onnx': unet(random),
      'vae_decoder/model.onnx': vaeDecoder(random),
      'vae_encoder/model.onnx': vaeEncoder(random),
      'tokenizer/vocab.json': vocabJson,
      'tokenizer/merges.txt': merges,
      'tokenizer/special_tokens_map.json': specialTokens(END_TOKEN),
      'tokenizer_2/vocab.json': vocabJson,
      'tokenizer_2/merges.txt': merges,
      'tokenizer_2/special_tokens_map.json': specialTokens('!'),
      'scheduler/scheduler_config.json': json({ _class_name: 'EulerDiscreteScheduler', beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', num_train_timesteps: 1000, prediction_type: 'epsilon', timestep_spacing: 'leading', steps_offset: 1 }),
    },
  };
}
