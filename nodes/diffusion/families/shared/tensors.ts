/**
 * Building input tensors the way a session declares them, and reading outputs back as float32:
 * float32 or float16 (fp16 exports for GPUs; converted here, round to nearest even), int32 or
 * int64 ids, and timesteps as a scalar, [1] or [batch] — whatever the export says in its
 * metadata, never hard-coded.
 */
import ort from 'onnxruntime-node';
import type { SessionInfo, TensorInfo } from '../../../../engine/nodes/index.js';
import type { ConditioningValue, ScratchBuffers } from '../../model/types.js';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** One float32 → IEEE half bits (round to nearest even; overflow to ±Infinity). */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    return sign | (rest > mid || (rest === mid && (half & 1)) ? half + 1 : half);
  }
  const half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  return sign | (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? half + 1 : half);
}

/** IEEE half bits → number. */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

export function inputInfo(info: SessionInfo, name: string): TensorInfo | undefined {
  return info.inputs.find((t) => t.name === name);
}

export function hasInput(info: SessionInfo, name: string): boolean {
  return info.inputs.some((t) => t.name === name);
}

/** A float input in the dtype the session wants (float32 or float16). */
export function floatInput(info: SessionInfo, name: string, data: Float32Array, dims: readonly number[]): ort.Tensor {
  if (inputInfo(info, name)?.type === 'float16') {
    const bits = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) bits[i] = toHalfBits(data[i]!);
    return new ort.Tensor('float16', bits, dims);
  }
  return new ort.Tensor('float32', data, dims);
}

/** Token ids as int32 or int64, as the session wants. */
export function idsInput(info: SessionInfo, name: string, ids: readonly number[], dims: readonly number[]): ort.Tensor {
  if (inputInfo(info, name)?.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from(ids, (id) => BigInt(id)), dims);
  return new ort.Tensor('int32', Int32Array.from(ids), dims);
}

/**
 * A timestep (or any per-batch scalar): rank 0, [1] or [batch] from the metadata (a fixed 1 in
 * the shape means [1]); int64 rounds, float16/float32 as declared.
 */
export function scalarInput(info: SessionInfo, name: string, value: number, batch: number): ort.Tensor {
  const meta = inputInfo(info, name);
  const rank = meta?.shape.length ?? 1;
  const dims = rank === 0 ? [] : [meta?.shape[0] === 1 ? 1 : batch];
  const count = dims.length === 0 ? 1 : dims[0]!;
  if (meta?.type === 'int64') return new ort.Tensor('int64', BigInt64Array.from({ length: count }, () => BigInt(Math.round(value))), dims);
  if (meta?.type === 'int32') return new ort.Tensor('int32', Int32Array.from({ length: count }, () => Math.round(value)), dims);
  return floatInput(info, name, Float32Array.from({ length: count }, () => value), dims);
}

/** An output as float32 (float16 outputs converted; float32 ones answered as they are). */
export function readFloat(tensor: ort.Tensor | undefined, name: string): Float32Array {
  if (!tensor) throw new Error(`the model gave no output named ${name}`);
  if (tensor.type === 'float16') {
    const bits = tensor.data as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = fromHalfBits(bits[i]!);
    return out;
  }
  if (tensor.type !== 'float32') throw new Error(`output ${name} is ${tensor.type}, expected float32 or float16`);
  return tensor.data as Float32Array;
}

/**
 * A float input kept for a whole sampling call over one buffer: float32 wraps `source` (the
 * tensor sees every write to it); float16 holds its own copy, converted again by `refresh()`.
 */
export interface FloatSlot {
  readonly tensor: ort.Tensor;
  readonly source: Float32Array;
  refresh(): void;
}

export function floatSlot(info: SessionInfo, name: string, source: Float32Array, dims: readonly number[]): FloatSlot {
  if (inputInfo(info, name)?.type !== 'float16') return { tensor: new ort.Tensor('float32', source, dims), source, refresh() {} };
  const bits = new Uint16Array(source.length);
  const refresh = () => {
    for (let i = 0; i < source.length; i++) bits[i] = toHalfBits(source[i]!);
  };
  refresh();
  return { tensor: new ort.Tensor('float16', bits, dims), source, refresh };
}

/** A scalar input (see scalarInput) kept for a sampling call, its value set in place each step. */
export interface ScalarSlot {
  readonly tensor: ort.Tensor;
  set(value: number): void;
}

export function scalarSlot(info: SessionInfo, name: string, batch: number): ScalarSlot {
  const tensor = scalarInput(info, name, 0, batch);
  const data = tensor.data;
  if (data instanceof BigInt64Array) return { tensor, set: (value) => data.fill(BigInt(Math.round(value))) };
  if (data instanceof Int32Array) return { tensor, set: (value) => data.fill(Math.round(value)) };
  if (data instanceof Uint16Array) return { tensor, set: (value) => data.fill(toHalfBits(Math.fround(value))) };
  const floats = data as Float32Array;
  return { tensor, set: (value) => floats.fill(value) };
}

/**
 * The feeds of one sampling call, built on its first step and kept in `scratch` under `name`:
 * the sampler passes the same input buffer and conditionings every step, so only the slots
 * change; a call with another input or conditionings (or no scratch) gets fresh feeds.
 */
/**
 * The feeds of one denoiser call (UNet or transformer): the latent input's slot, the timestep's,
 * and every tensor the session is fed, for the `input` buffer and conditionings they were built for.
 */
export interface DenoiserFeeds {
  input: Float32Array;
  conds: readonly ConditioningValue[];
  latent: FloatSlot;
  timestep: ScalarSlot;
  feeds: Record<string, ort.Tensor>;
}

export function feedsForCall<T extends { readonly input: Float32Array; readonly conds: readonly ConditioningValue[] }>(
  scratch: ScratchBuffers | undefined, name: string, input: Float32Array, conds: readonly ConditioningValue[], build: () => T,
): T {
  if (!scratch) return build();
  const kept = scratch.keep(name, () => ({ current: build() }));
  if (kept.current.input !== input || kept.current.conds !== conds) kept.current = build();
  return kept.current;
}
