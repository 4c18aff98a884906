/**
 * A tiny Flux stand-in (dev by default, schnell on request) with the tensor names, ranks and
 * dtypes of a diffusers/optimum Flux ONNX export (FACTS-MODELS), generated in milliseconds and
 * run in well under one:
 *
 * - text_encoder (CLIP-L's place): `input_ids` int32 [B,77] → `last_hidden_state` f32
 *   [B,77,32] (embedding lookup, tanh) and `pooler_output` f32 [B,32] (the mean state of the
 *   rows that differ from the padding, i.e. of the prompt's tokens);
 * - text_encoder_2 (T5's place): demo/t5.ts's stand-in, `input_ids` int64 [B,S] →
 *   `last_hidden_state` f32 [B,S,32], with S = 64 (manifest `max_sequence_length`, and
 *   tokenizer_2's `model_max_length`);
 * - transformer: `hidden_states` f32 [B,N,64], `encoder_hidden_states` f32 [B,S,32],
 *   `pooled_projections` f32 [B,32], `timestep` f32 [B], `img_ids` f32 [N,3], `txt_ids` f32
 *   [S,3], and (dev) `guidance` f32 [B] → `out_hidden_states` f32 [B,N,64]: a toy velocity
 *   v = (x − target)/σ, so the sampler's clean estimate x − σ·v lands on a smooth target —
 *   a colour from the prompt (T5 and pooled CLIP, scaled by the guidance), slow waves over
 *   the patch grid that `img_ids` describes, and blurred blobs of the current sample (which
 *   is where the seed shows). A small linear term of the sample keeps it from being exact;
 * - vae_decoder / vae_encoder: 16-channel versions of the SD stand-ins (1×1 convolution, ×8
 *   nearest resize, tanh; 8×8 average pool, 1×1 convolution to mean‖log-variance);
 * - tokenizer/ (CLIP byte-level BPE, no merges) and tokenizer_2/ (demo T5 Unigram).
 *
 * Deterministic: weights come from a seeded PRNG, so the same files come out every time.
 */
import { encodeOnnxModel, type OnnxNodeSpec } from '../../../engine/nodes/index.js';
import { SeededRandom } from '../sampling/noise.js';
import { demoVocab, type StandInFiles } from './sd15.js';
import { demoT5TokenizerJson, demoT5VocabSize, t5EncoderOnnx } from './t5.js';

export const FLUX_DEMO_CLIP_HIDDEN = 32;
export const FLUX_DEMO_T5_HIDDEN = 32;
export const FLUX_DEMO_SEQUENCE = 64;
export const FLUX_LATENT_CHANNELS = 16;
/** Features per packed token: 16 channels × a 2×2 patch. */
export const FLUX_PACKED_FEATURES = FLUX_LATENT_CHANNELS * 4;

export interface FluxStandInOptions {
  /** dev (default): the transformer takes `guidance`; schnell: no `guidance`, shift 1. */
  variant?: 'dev' | 'schnell';
}

function weights(random: SeededRandom, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (random.nextFloat() * 2 - 1) * scale;
  return out;
}

/** A [rows, 16] per-channel table spread to [rows, 64]: the 4 features of a patch share their channel's value. */
function perChannel(random: SeededRandom, rows: number, scale: number, offset = 0): Float32Array {
  const out = new Float32Array(rows * FLUX_PACKED_FEATURES);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < FLUX_LATENT_CHANNELS; c++) {
      const value = offset + (random.nextFloat() * 2 - 1) * scale;
      for (let k = 0; k < 4; k++) out[r * FLUX_PACKED_FEATURES + c * 4 + k] = value;
    }
  }
  return out;
}

/** [64,64]: averages the 4 features of each channel in a patch. */
function patchMean(): Float32Array {
  const f = FLUX_PACKED_FEATURES;
  const out = new Float32Array(f * f);
  for (let i = 0; i < f; i++) for (let j = 0; j < f; j++) if (Math.floor(i / 4) === Math.floor(j / 4)) out[i * f + j] = 0.25;
  return out;
}

/**
 * Nodes for the mean state of the prompt's tokens: rows of `states` [B,S,D] that differ from
 * the last (padding) row, averaged → `${out}` [B,D]. Needs initializers `last_index` ([-1]),
 * `axis_1` ([1]) and `one_f` (1).
 */
function promptMeanNodes(states: string, out: string): OnnxNodeSpec[] {
  const p = `${out}_`;
  return [
    { op: 'Gather', inputs: [states, 'last_index'], outputs: [`${p}pad`], attributes: { axis: { int: 1 } } },
    { op: 'Equal', inputs: [states, `${p}pad`], outputs: [`${p}same`] },
    { op: 'Not', inputs: [`${p}same`], outputs: [`${p}differs`] },
    { op: 'Cast', inputs: [`${p}differs`], outputs: [`${p}differs_f`], attributes: { to: { int: 1 } } },
    { op: 'ReduceMax', inputs: [`${p}differs_f`], outputs: [`${p}row_mask`], attributes: { axes: { ints: [2] }, keepdims: { int: 1 } } },
    { op: 'Mul', inputs: [states, `${p}row_mask`], outputs: [`${p}masked`] },
    { op: 'ReduceSum', inputs: [`${p}masked`, 'axis_1'], outputs: [`${p}sum`], attributes: { keepdims: { int: 0 } } },
    { op: 'ReduceSum', inputs: [`${p}row_mask`, 'axis_1'], outputs: [`${p}count`], attributes: { keepdims: { int: 0 } } },
    { op: 'Max', inputs: [`${p}count`, 'one_f'], outputs: [`${p}count_1`] },
    { op: 'Div', inputs: [`${p}sum`, `${p}count_1`], outputs: [out] },
  ];
}

function clipEncoder(random: SeededRandom, vocabSize: number): Uint8Array {
  const h = FLUX_DEMO_CLIP_HIDDEN;
  return encodeOnnxModel({
    name: 'text_encoder',
    inputs: [{ name: 'input_ids', type: 'int32', shape: ['batch', 77] }],
    outputs: [
      { name: 'last_hidden_state', type: 'float32', shape: ['batch', 77, h] },
      { name: 'pooler_output', type: 'float32', shape: ['batch', h] },
    ],
    initializers: [
      { name: 'embedding', type: 'float32', dims: [vocabSize, h], data: weights(random, vocabSize * h, 1.5) },
      { name: 'last_index', type: 'int64', dims: [1], data: BigInt64Array.from([-1n]) },
      { name: 'axis_1', type: 'int64', dims: [1], data: BigInt64Array.from([1n]) },
      { name: 'one_f', type: 'float32', dims: [1], data: Float32Array.from([1]) },
    ],
    nodes: [
      { op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['gathered'], attributes: { axis: { int: 0 } } },
      { op: 'Tanh', inputs: ['gathered'], outputs: ['last_hidden_state'] },
      ...promptMeanNodes('last_hidden_state', 'pooler_output'),
    ],
  });
}

function transformer(random: SeededRandom, withGuidance: boolean): Uint8Array {
  const f = FLUX_PACKED_FEATURES;
  const t5 = FLUX_DEMO_T5_HIDDEN;
  const clip = FLUX_DEMO_CLIP_HIDDEN;
  const phases = perChannel(random, 1, Math.PI, Math.PI);
  const nodes: OnnxNodeSpec[] = [
    // Prompt colour: the mean T5 state of the prompt's tokens with the pooled CLIP vector,
    // squashed to a bounded colour per channel.
    ...promptMeanNodes('encoder_hidden_states', 'text_vec'),
    { op: 'MatMul', inputs: ['text_vec', 'colour_w'], outputs: ['text_colour'] },
    { op: 'MatMul', inputs: ['pooled_projections', 'pooled_w'], outputs: ['pooled_colour'] },
    { op: 'Add', inputs: ['text_colour', 'pooled_colour'], outputs: ['colour_sum'] },
    { op: 'Add', inputs: ['colour_sum', 'colour_b'], outputs: ['colour_pre'] },
    { op: 'Tanh', inputs: ['colour_pre'], outputs: ['colour_unit'] },
    { op: 'Mul', inputs: ['colour_unit', 'colour_gain'], outputs: ['colour'] },
  ];
  if (withGuidance) {
    // Guidance scales the prompt's colour: 0.5 + 0.15·g (about 1 at dev's usual 3.5).
    nodes.push(
      { op: 'Unsqueeze', inputs: ['guidance', 'axis_1'], outputs: ['guidance_col'] },
      { op: 'Mul', inputs: ['guidance_col', 'guidance_slope'], outputs: ['guidance_lin'] },
      { op: 'Add', inputs: ['guidance_lin', 'guidance_offset'], outputs: ['guidance_gain'] },
      { op: 'Mul', inputs: ['colour', 'guidance_gain'], outputs: ['colour_guided'] },
    );
  } else {
    nodes.push({ op: 'Identity', inputs: ['colour'], outputs: ['colour_guided'] });
  }
  nodes.push(
    { op: 'Unsqueeze', inputs: ['colour_guided', 'axis_1'], outputs: ['colour_map'] },
    // Slow waves over the patch grid: sin(img_ids · frequencies + phase).
    { op: 'MatMul', inputs: ['img_ids', 'position_w'], outputs: ['position_lin'] },
    { op: 'Add', inputs: ['position_lin', 'position_phase'], outputs: ['position_angle'] },
    { op: 'Sin', inputs: ['position_angle'], outputs: ['position_wave'] },
    { op: 'Mul', inputs: ['position_wave', 'wave_gain'], outputs: ['waves'] },
    // Text positions (zeros in Flux) shift everything by their mean.
    { op: 'ReduceMean', inputs: ['txt_ids'], outputs: ['txt_mean'], attributes: { keepdims: { int: 0 } } },
    // Blobs: the tokens back on their [rows, cols] grid (sized from img_ids), blurred twice.
    { op: 'Shape', inputs: ['hidden_states'], outputs: ['tokens_shape'] },
    { op: 'Slice', inputs: ['tokens_shape', 'zero_1', 'one_1'], outputs: ['batch_dim'] },
    { op: 'ReduceMax', inputs: ['img_ids'], outputs: ['ids_max'], attributes: { axes: { ints: [0] }, keepdims: { int: 0 } } },
    { op: 'Slice', inputs: ['ids_max', 'one_1', 'three_1'], outputs: ['grid_last'] },
    { op: 'Add', inputs: ['grid_last', 'one_f'], outputs: ['grid_f'] },
    { op: 'Cast', inputs: ['grid_f'], outputs: ['grid'], attributes: { to: { int: 7 } } },
    { op: 'Concat', inputs: ['batch_dim', 'grid', 'features_1'], outputs: ['grid_shape'], attributes: { axis: { int: 0 } } },
    { op: 'Reshape', inputs: ['hidden_states', 'grid_shape'], outputs: ['grid_tokens'] },
    { op: 'Transpose', inputs: ['grid_tokens'], outputs: ['planes'], attributes: { perm: { ints: [0, 3, 1, 2] } } },
    { op: 'AveragePool', inputs: ['planes'], outputs: ['blur1'], attributes: { kernel_shape: { ints: [5, 5] }, pads: { ints: [2, 2, 2, 2] }, count_include_pad: { int: 0 } } },
    { op: 'AveragePool', inputs: ['blur1'], outputs: ['blur2'], attributes: { kernel_shape: { ints: [5, 5] }, pads: { ints: [2, 2, 2, 2] }, count_include_pad: { int: 0 } } },
    { op: 'Transpose', inputs: ['blur2'], outputs: ['blur_grid'], attributes: { perm: { ints: [0, 2, 3, 1] } } },
    { op: 'Reshape', inputs: ['blur_grid', 'tokens_shape'], outputs: ['blur_tokens'] },
    { op: 'MatMul', inputs: ['blur_tokens', 'patch_mean'], outputs: ['blur_patch'] },
    { op: 'Mul', inputs: ['blur_patch', 'blob_gain'], outputs: ['blobs'] },
    // target = colour + waves + blobs + mean(txt_ids); v = (x − target)/σ + detail.
    { op: 'Add', inputs: ['colour_map', 'waves'], outputs: ['target_a'] },
    { op: 'Add', inputs: ['target_a', 'blobs'], outputs: ['target_b'] },
    { op: 'Add', inputs: ['target_b', 'txt_mean'], outputs: ['target'] },
    { op: 'Max', inputs: ['timestep', 'sigma_floor'], outputs: ['sigma'] },
    { op: 'Reciprocal', inputs: ['sigma'], outputs: ['inv_sigma'] },
    { op: 'Unsqueeze', inputs: ['inv_sigma', 'axes_1_2'], outputs: ['inv_sigma_b'] },
    { op: 'Sub', inputs: ['hidden_states', 'target'], outputs: ['offset'] },
    { op: 'Mul', inputs: ['offset', 'inv_sigma_b'], outputs: ['pull'] },
    { op: 'MatMul', inputs: ['hidden_states', 'detail_w'], outputs: ['detail'] },
    { op: 'Add', inputs: ['pull', 'detail'], outputs: ['out_hidden_states'] },
  );
  const int64 = (name: string, values: bigint[]) => ({ name, type: 'int64' as const, dims: [values.length], data: BigInt64Array.from(values) });
  const scalar = (name: string, value: number) => ({ name, type: 'float32' as const, dims: [1], data: Float32Array.from([value]) });
  return encodeOnnxModel({
    name: 'transformer',
    inputs: [
      { name: 'hidden_states', type: 'float32', shape: ['batch', 'image_tokens', f] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', 'text_tokens', t5] },
      { name: 'pooled_projections', type: 'float32', shape: ['batch', clip] },
      { name: 'timestep', type: 'float32', shape: ['batch'] },
      { name: 'img_ids', type: 'float32', shape: ['image_tokens', 3] },
      { name: 'txt_ids', type: 'float32', shape: ['text_tokens', 3] },
      ...(withGuidance ? [{ name: 'guidance', type: 'float32' as const, shape: ['batch'] }] : []),
    ],
    outputs: [{ name: 'out_hidden_states', type: 'float32', shape: ['batch', 'image_tokens', f] }],
    initializers: [
      { name: 'colour_w', type: 'float32', dims: [t5, f], data: perChannel(random, t5, 1.0) },
      { name: 'pooled_w', type: 'float32', dims: [clip, f], data: perChannel(random, clip, 0.5) },
      { name: 'colour_b', type: 'float32', dims: [f], data: perChannel(random, 1, 0.2) },
      // Row 0 multiplies the id's first column (always 0); rows 1 and 2 are per-patch frequencies.
      { name: 'position_w', type: 'float32', dims: [3, f], data: perChannel(random, 3, 0.35) },
      { name: 'position_phase', type: 'float32', dims: [f], data: phases },
      { name: 'patch_mean', type: 'float32', dims: [f, f], data: patchMean() },
      { name: 'detail_w', type: 'float32', dims: [f, f], data: weights(random, f * f, 0.01) },
      int64('last_index', [-1n]),
      int64('axis_1', [1n]),
      int64('axes_1_2', [1n, 2n]),
      int64('zero_1', [0n]),
      int64('one_1', [1n]),
      int64('three_1', [3n]),
      int64('features_1', [BigInt(f)]),
      scalar('one_f', 1),
      scalar('colour_gain', 0.5),
      scalar('wave_gain', 0.35),
      scalar('blob_gain', 0.6),
      scalar('sigma_floor', 1e-3),
      ...(withGuidance ? [scalar('guidance_slope', 0.15), scalar('guidance_offset', 0.5)] : []),
    ],
    nodes,
  });
}

function vaeDecoder(random: SeededRandom): Uint8Array {
  const c = FLUX_LATENT_CHANNELS;
  return encodeOnnxModel({
    name: 'vae_decoder',
    inputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', c, 'latent_height', 'latent_width'] }],
    outputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    initializers: [
      { name: 'w', type: 'float32', dims: [3, c, 1, 1], data: weights(random, 3 * c, 0.1) },
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
  const c = FLUX_LATENT_CHANNELS;
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

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** Every file of the `demo-flux` folder (diffusers layout plus our manifest); schnell on request. */
export function fluxStandIn(seed = 11, options: FluxStandInOptions = {}): StandInFiles {
  const variant = options.variant ?? 'dev';
  const dev = variant === 'dev';
  const random = new SeededRandom(seed);
  const vocab = demoVocab();
  const clipVocabSize = Object.keys(vocab).length;
  return {
    files: {
      'model_index.json': json({
        _class_name: 'FluxPipeline',
        _diffusers_version: '0.30.0',
        text_encoder: ['transformers', 'CLIPTextModel'],
        text_encoder_2: ['transformers', 'T5EncoderModel'],
        tokenizer: ['transformers', 'CLIPTokenizer'],
        tokenizer_2: ['transformers', 'T5TokenizerFast'],
        transformer: ['diffusers', 'FluxTransformer2DModel'],
        vae_decoder: ['diffusers', 'AutoencoderKL'],
        vae_encoder: ['diffusers', 'AutoencoderKL'],
        scheduler: ['diffusers', 'FlowMatchEulerDiscreteScheduler'],
      }),
      'manifest.json': json({
        family: 'flux',
        name: dev ? 'demo-flux' : 'demo-flux-schnell',
        demo: true,
        variant,
        latent_channels: FLUX_LATENT_CHANNELS,
        scaling_factor: 0.3611,
        shift_factor: 0.1159,
        max_sequence_length: FLUX_DEMO_SEQUENCE,
        description: `A tiny stand-in with the tensor names and ranks of a Flux ${variant} ONNX export; it draws colour fields, not art.`,
      }),
      'text_encoder/model.onnx': clipEncoder(random, clipVocabSize),
      'text_encoder_2/model.onnx': t5EncoderOnnx(random, FLUX_DEMO_T5_HIDDEN, demoT5VocabSize()),
      'transformer/model.onnx': transformer(random, dev),
      'vae_decoder/model.onnx': vaeDecoder(random),
      'vae_encoder/model.onnx': vaeEncoder(random),
      'tokenizer/vocab.json': `${JSON.stringify(vocab)}\n`,
      'tokenizer/merges.txt': '#version: 0.2\n',
      'tokenizer_2/tokenizer.json': `${JSON.stringify(demoT5TokenizerJson())}\n`,
      'tokenizer_2/tokenizer_config.json': json({ tokenizer_class: 'T5Tokenizer', model_max_length: FLUX_DEMO_SEQUENCE, pad_token: '<pad>', eos_token: '</s>', unk_token: '<unk>' }),
      'scheduler/scheduler_config.json': json(dev
        ? { _class_name: 'FlowMatchEulerDiscreteScheduler', num_train_timesteps: 1000, shift: 3.0, use_dynamic_shifting: true, base_shift: 0.5, max_shift: 1.15, base_image_seq_len: 256, max_image_seq_len: 4096 }
        : { _class_name: 'FlowMatchEulerDiscreteScheduler', num_train_timesteps: 1000, shift: 1.0, use_dynamic_shifting: false }),
    },
  };
}
