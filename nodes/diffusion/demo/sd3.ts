/**
 * A tiny SD3 stand-in with the tensor names, ranks and dtypes of an optimum/diffusers ONNX
 * export (FACTS-MODELS) at toy widths, generated in milliseconds and run in well under one:
 *
 * - text_encoder (CLIP-L's place): `input_ids` int32 [B,77] → `text_embeds` [B,12],
 *   `last_hidden_state` [B,77,12] and `hidden_states.0..2` (embeddings, then 2 layers);
 * - text_encoder_2 (bigG's place): `input_ids` int64 [B,77] → `text_embeds` [B,20],
 *   `last_hidden_state` [B,77,20] and `hidden_states.0..3` (3 layers) — different layer
 *   counts, so "the penultimate layer" is a different N for each, as in real exports;
 * - text_encoder_3 (T5-XXL's place): `input_ids` int64 [B,256] → `last_hidden_state`
 *   [B,256,48]. 48 is wider than 12 + 20, so the CLIP half of the conditioning is zero-padded
 *   as SD3's is (768 + 1280 inside 4096);
 * - transformer: `hidden_states` [B,16,h,w], `encoder_hidden_states` [B,333,48] (77 CLIP +
 *   256 T5 tokens), `pooled_projections` [B,32], `timestep` [B] (σ·1000) →
 *   `out_hidden_states` [B,16,h,w]: a toy flow-matching velocity (see `transformer` below)
 *   that steers the picture towards colour fields set by the prompt and smooth blobs of the
 *   seed's noise;
 * - vae_decoder / vae_encoder: SD's VAE contract at 16 channels (1×1 convolution and ×8
 *   bilinear resize; 8×8 average pool and 1×1 convolution to mean‖log-variance);
 * - tokenizer/, tokenizer_2/: the demo byte-level CLIP vocabulary (tokenizer_2 pads with "!"
 *   as SD3's second tokenizer does); tokenizer_3/: the demo T5 Unigram tokenizer.json.
 *
 * Deterministic: weights come from a seeded PRNG, so the same files come out every time.
 */
import { encodeOnnxModel, type ElementType, type OnnxNodeSpec, type ValueSpec } from '../../../engine/nodes/index.js';
import { SeededRandom } from '../sampling/noise.js';
import { demoVocab, type StandInFiles } from './sd15.js';
import { demoT5TokenizerJson, demoT5VocabSize, t5EncoderOnnx } from './t5.js';

/** The stand-in's sizes (real SD3: 768, 1280, 4096, 256 T5 tokens). */
export const SD3_DEMO = {
  context: 77,
  clipL: 12,
  clipG: 20,
  t5: 48,
  t5Length: 256,
  latentChannels: 16,
} as const;

const POOLED = SD3_DEMO.clipL + SD3_DEMO.clipG;
const SEQUENCE = SD3_DEMO.context + SD3_DEMO.t5Length;

function weights(random: SeededRandom, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (random.nextFloat() * 2 - 1) * scale;
  return out;
}

function filled(count: number, value: number): Float32Array {
  return new Float32Array(count).fill(value);
}

interface ClipSpec {
  name: string;
  width: number;
  layers: number;
  ids: ElementType;
}

/**
 * A CLIP text encoder with projection: embedding lookup (`hidden_states.0`), residual tanh
 * layers (`hidden_states.1..L`), a final layer norm (`last_hidden_state`), and `text_embeds`,
 * the projected sequence mean.
 */
function clipEncoder(random: SeededRandom, vocabSize: number, spec: ClipSpec): Uint8Array {
  const { width, layers } = spec;
  const nodes: OnnxNodeSpec[] = [{ op: 'Gather', inputs: ['embedding', 'input_ids'], outputs: ['hidden_states.0'], attributes: { axis: { int: 0 } } }];
  const initializers = [{ name: 'embedding', type: 'float32' as const, dims: [vocabSize, width], data: weights(random, vocabSize * width, 1.2) }];
  for (let i = 1; i <= layers; i++) {
    initializers.push({ name: `layer${i}_w`, type: 'float32', dims: [width, width], data: weights(random, width * width, 0.5) });
    nodes.push(
      { op: 'MatMul', inputs: [`hidden_states.${i - 1}`, `layer${i}_w`], outputs: [`mixed${i}`] },
      { op: 'Add', inputs: [`mixed${i}`, `hidden_states.${i - 1}`], outputs: [`residual${i}`] },
      { op: 'Tanh', inputs: [`residual${i}`], outputs: [`hidden_states.${i}`] },
    );
  }
  initializers.push(
    { name: 'ln_scale', type: 'float32', dims: [width], data: filled(width, 1) },
    { name: 'ln_bias', type: 'float32', dims: [width], data: new Float32Array(width) },
    { name: 'text_projection', type: 'float32', dims: [width, width], data: weights(random, width * width, 0.6) },
  );
  nodes.push(
    { op: 'LayerNormalization', inputs: [`hidden_states.${layers}`, 'ln_scale', 'ln_bias'], outputs: ['last_hidden_state'], attributes: { axis: { int: -1 }, epsilon: { float: 1e-5 } } },
    { op: 'ReduceMean', inputs: ['last_hidden_state'], outputs: ['sequence_mean'], attributes: { axes: { ints: [1] }, keepdims: { int: 0 } } },
    { op: 'MatMul', inputs: ['sequence_mean', 'text_projection'], outputs: ['text_embeds'] },
  );
  const hiddenOutputs: ValueSpec[] = Array.from({ length: layers + 1 }, (_, i) => ({ name: `hidden_states.${i}`, type: 'float32', shape: ['batch', 'sequence', width] }));
  return encodeOnnxModel({
    name: spec.name,
    inputs: [{ name: 'input_ids', type: spec.ids, shape: ['batch', 'sequence'] }],
    outputs: [
      { name: 'text_embeds', type: 'float32', shape: ['batch', width] },
      { name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', width] },
      ...hiddenOutputs,
    ],
    initializers,
    nodes,
  });
}

function transformer(random: SeededRandom): Uint8Array {
  const c = SD3_DEMO.latentChannels;
  const width = SD3_DEMO.t5;
  // A toy flow-matching model. Its clean estimate is a target y: a colour per channel from the
  // prompt (the mean token conditioning and the pooled vector) plus smooth blobs — the current
  // latent blurred twice and normalised per channel, so the seed's noise shapes them at every
  // noise level. It answers the velocity v = (x − y)/σ with σ = timestep/1000 (floored at
  // 0.001), so the sampler's x − σ·v lands on y.
  return encodeOnnxModel({
    name: 'transformer',
    inputs: [
      { name: 'hidden_states', type: 'float32', shape: ['batch', c, 'height', 'width'] },
      { name: 'encoder_hidden_states', type: 'float32', shape: ['batch', SEQUENCE, width] },
      { name: 'pooled_projections', type: 'float32', shape: ['batch', POOLED] },
      { name: 'timestep', type: 'float32', shape: ['batch'] },
    ],
    outputs: [{ name: 'out_hidden_states', type: 'float32', shape: ['batch', c, 'height', 'width'] }],
    initializers: [
      { name: 'text_w', type: 'float32', dims: [width, c], data: weights(random, width * c, 1.5) },
      { name: 'pooled_w', type: 'float32', dims: [POOLED, c], data: weights(random, POOLED * c, 0.35) },
      { name: 'colour_b', type: 'float32', dims: [c], data: weights(random, c, 0.2) },
      { name: 'blob_scale', type: 'float32', dims: [c], data: weights(random, c, 0.7) },
      { name: 'blob_bias', type: 'float32', dims: [c], data: new Float32Array(c) },
      { name: 'spatial_axes', type: 'int64', dims: [2], data: BigInt64Array.from([2n, 3n]) },
      { name: 'per_item', type: 'int64', dims: [4], data: BigInt64Array.from([-1n, 1n, 1n, 1n]) },
      { name: 'per_step', type: 'float32', dims: [1], data: Float32Array.from([0.001]) },
      { name: 'sigma_floor', type: 'float32', dims: [1], data: Float32Array.from([0.001]) },
    ],
    nodes: [
      { op: 'ReduceMean', inputs: ['encoder_hidden_states'], outputs: ['text_vec'], attributes: { axes: { ints: [1] }, keepdims: { int: 0 } } },
      { op: 'MatMul', inputs: ['text_vec', 'text_w'], outputs: ['colour_text'] },
      { op: 'MatMul', inputs: ['pooled_projections', 'pooled_w'], outputs: ['colour_pooled'] },
      { op: 'Add', inputs: ['colour_text', 'colour_pooled'], outputs: ['colour_sum'] },
      { op: 'Add', inputs: ['colour_sum', 'colour_b'], outputs: ['colour'] },
      { op: 'Unsqueeze', inputs: ['colour', 'spatial_axes'], outputs: ['colour_map'] },
      { op: 'AveragePool', inputs: ['hidden_states'], outputs: ['blur1'], attributes: { kernel_shape: { ints: [7, 7] }, pads: { ints: [3, 3, 3, 3] }, count_include_pad: { int: 0 } } },
      { op: 'AveragePool', inputs: ['blur1'], outputs: ['blur2'], attributes: { kernel_shape: { ints: [7, 7] }, pads: { ints: [3, 3, 3, 3] }, count_include_pad: { int: 0 } } },
      { op: 'InstanceNormalization', inputs: ['blur2', 'blob_scale', 'blob_bias'], outputs: ['blobs'], attributes: { epsilon: { float: 1e-5 } } },
      { op: 'Add', inputs: ['colour_map', 'blobs'], outputs: ['target'] },
      { op: 'Mul', inputs: ['timestep', 'per_step'], outputs: ['sigma'] },
      { op: 'Max', inputs: ['sigma', 'sigma_floor'], outputs: ['sigma_safe'] },
      { op: 'Reshape', inputs: ['sigma_safe', 'per_item'], outputs: ['sigma_map'] },
      { op: 'Sub', inputs: ['hidden_states', 'target'], outputs: ['towards_noise'] },
      { op: 'Div', inputs: ['towards_noise', 'sigma_map'], outputs: ['out_hidden_states'] },
    ],
  });
}

function vaeDecoder(random: SeededRandom): Uint8Array {
  const c = SD3_DEMO.latentChannels;
  return encodeOnnxModel({
    name: 'vae_decoder',
    inputs: [{ name: 'latent_sample', type: 'float32', shape: ['batch', c, 'latent_height', 'latent_width'] }],
    outputs: [{ name: 'sample', type: 'float32', shape: ['batch', 3, 'height', 'width'] }],
    initializers: [
      { name: 'w', type: 'float32', dims: [3, c, 1, 1], data: weights(random, 3 * c, 0.35) },
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
  const c = SD3_DEMO.latentChannels;
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

/** Every file of the `demo-sd3` folder (diffusers/optimum layout plus our manifest). */
export function sd3StandIn(seed = 3): StandInFiles {
  const random = new SeededRandom(seed);
  const vocab = demoVocab();
  const vocabSize = Object.keys(vocab).length;
  const vocabJson = `${JSON.stringify(vocab)}\n`;
  const merges = '#version: 0.2\n';
  return {
    files: {
      'model_index.json': json({
        _class_name: 'StableDiffusion3Pipeline',
        _diffusers_version: '0.30.0',
        scheduler: ['diffusers', 'FlowMatchEulerDiscreteScheduler'],
        text_encoder: ['transformers', 'CLIPTextModelWithProjection'],
        text_encoder_2: ['transformers', 'CLIPTextModelWithProjection'],
        text_encoder_3: ['transformers', 'T5EncoderModel'],
        tokenizer: ['transformers', 'CLIPTokenizer'],
        tokenizer_2: ['transformers', 'CLIPTokenizer'],
        tokenizer_3: ['transformers', 'T5TokenizerFast'],
        transformer: ['diffusers', 'SD3Transformer2DModel'],
        vae_decoder: ['diffusers', 'AutoencoderKL'],
        vae_encoder: ['diffusers', 'AutoencoderKL'],
      }),
      'manifest.json': json({ family: 'sd3', name: 'demo-sd3', demo: true, latent_channels: SD3_DEMO.latentChannels, scaling_factor: 1.5305, shift_factor: 0.0609, description: 'A tiny stand-in with the tensor names and ranks of an SD3 ONNX export; it draws colour fields, not art.' }),
      'scheduler/scheduler_config.json': json({ _class_name: 'FlowMatchEulerDiscreteScheduler', _diffusers_version: '0.30.0', num_train_timesteps: 1000, shift: 3.0 }),
      'text_encoder/model.onnx': clipEncoder(random, vocabSize, { name: 'text_encoder', width: SD3_DEMO.clipL, layers: 2, ids: 'int32' }),
      'text_encoder_2/model.onnx': clipEncoder(random, vocabSize, { name: 'text_encoder_2', width: SD3_DEMO.clipG, layers: 3, ids: 'int64' }),
      'text_encoder_3/model.onnx': t5EncoderOnnx(random, SD3_DEMO.t5, demoT5VocabSize()),
      'transformer/model.onnx': transformer(random),
      'transformer/config.json': json({ _class_name: 'SD3Transformer2DModel', patch_size: 2, in_channels: SD3_DEMO.latentChannels, out_channels: SD3_DEMO.latentChannels, joint_attention_dim: SD3_DEMO.t5, pooled_projection_dim: POOLED }),
      'vae_decoder/model.onnx': vaeDecoder(random),
      'vae_decoder/config.json': json({ _class_name: 'AutoencoderKL', latent_channels: SD3_DEMO.latentChannels, scaling_factor: 1.5305, shift_factor: 0.0609 }),
      'vae_encoder/model.onnx': vaeEncoder(random),
      'tokenizer/vocab.json': vocabJson,
      'tokenizer/merges.txt': merges,
      'tokenizer_2/vocab.json': vocabJson,
      'tokenizer_2/merges.txt': merges,
      'tokenizer_2/special_tokens_map.json': json({ bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '!', unk_token: '<|endoftext|>' }),
      'tokenizer_3/tokenizer.json': `${JSON.stringify(demoT5TokenizerJson())}\n`,
    },
  };
}
