/**
 * The MODEL / CLIP / VAE / CONDITIONING values on links, checked where a node receives them (a
 * link from another pack's MODEL, say, gets a clear error, not a crash inside a sampler), and
 * checkpoint names as ComfyUI workflows write them: `sd_xl_base_1.0.safetensors` finds the
 * folder `sd_xl_base_1.0` when there is one.
 */
import { SwitchyardError } from '../../../engine/nodes/index.js';
import type { ClipHandle, ConditioningValue, ModelHandle, VaeHandle } from './types.js';
import { FAMILIES } from './types.js';

function isHandle(value: unknown, kind: string): boolean {
  const v = value as { kind?: unknown; id?: unknown; family?: unknown } | null;
  return typeof v === 'object' && v !== null && v.kind === kind && typeof v.id === 'string' && FAMILIES.includes(v.family as never);
}

function wrong(input: string, expected: string): SwitchyardError {
  return new SwitchyardError('invalid_input', `input "${input}" is not a diffusion ${expected} (connect it to a checkpoint loader of the diffusion pack)`, { input });
}

export function asModel(value: unknown, input = 'model'): ModelHandle {
  if (!isHandle(value, 'diffusion_model')) throw wrong(input, 'MODEL');
  return value as ModelHandle;
}

export function asClip(value: unknown, input = 'clip'): ClipHandle {
  if (!isHandle(value, 'clip')) throw wrong(input, 'CLIP');
  return value as ClipHandle;
}

export function asVae(value: unknown, input = 'vae'): VaeHandle {
  if (!isHandle(value, 'vae')) throw wrong(input, 'VAE');
  return value as VaeHandle;
}

export function asConditioning(value: unknown, input: string): ConditioningValue {
  const v = value as Partial<ConditioningValue> | null;
  if (typeof v !== 'object' || v === null || v.kind !== 'conditioning' || typeof v.tensors !== 'object' || !FAMILIES.includes(v.family as never)) {
    throw new SwitchyardError('invalid_input', `input "${input}" is not CONDITIONING from a text encode node of the diffusion pack`, { input });
  }
  return v as ConditioningValue;
}

const CHECKPOINT_SUFFIXES = ['.safetensors', '.ckpt', '.onnx', '.pt', '.pth', '.bin'];

/**
 * The model folder a checkpoint name means: the name itself when present, else the name
 * without a checkpoint file suffix and without folders ComfyUI users put in front
 * (`SDXL/pony.safetensors` → `pony`). Undefined when nothing matches.
 */
export function resolveCheckpointName(name: string, available: readonly string[]): string | undefined {
  if (available.includes(name)) return name;
  const base = name.split(/[\\/]/).pop() ?? name;
  const suffix = CHECKPOINT_SUFFIXES.find((s) => base.toLowerCase().endsWith(s));
  const stem = suffix ? base.slice(0, -suffix.length) : base;
  return available.includes(stem) ? stem : undefined;
}
