/**
 * `diffusion.checkpoint_loader` (ComfyUI: CheckpointLoaderSimple, CheckpointLoader): opens a
 * model folder of any family through the model manager — so a broken or mismatched export fails
 * here, naming the component and tensor — and hands on MODEL, CLIP and VAE handles that the
 * encode, sampler and decode nodes use. The demo stand-ins (`demo-sd15`, `demo-sdxl`,
 * `demo-sd3`, `demo-flux`) are always offered.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { defineNode, SwitchyardError } from '../../../engine/nodes/index.js';
import { modelDir } from '../model/folder.js';
import { resolveCheckpointName } from '../model/handles.js';
import { diffusionModelIds } from '../model/load.js';
import { useDiffusionModel } from '../model/use.js';

async function resolve(name: string, modelsDir: string): Promise<string> {
  const available = await diffusionModelIds(modelsDir);
  const id = resolveCheckpointName(name, available);
  if (id === undefined) {
    throw new SwitchyardError('model_not_found', `no diffusion model ${JSON.stringify(name)} in the models folder; available: ${available.join(', ') || 'none'}`, { model: name, available });
  }
  return id;
}

export const checkpointLoader = defineNode({
  type: 'diffusion.checkpoint_loader',
  title: 'Load Checkpoint',
  category: 'loaders',
  description: 'Loads a diffusion model folder (SD 1.x/2.x, SDXL, Pony, SD3, Flux ONNX export) and hands on its MODEL, CLIP and VAE. ComfyUI checkpoint names (name.safetensors) find the folder of the same name.',
  aliases: [{ type: 'CheckpointLoaderSimple' }, { type: 'CheckpointLoader', widgets: [null, 'ckpt_name'] }],
  inputs: {
    ckpt_name: { type: 'COMBO', options: (ctx) => diffusionModelIds(ctx.folders.models), default: 'demo-sd15', allowCustom: true, tooltip: 'A model folder in the models folder.' },
  },
  outputs: { MODEL: { type: 'MODEL' }, CLIP: { type: 'CLIP' }, VAE: { type: 'VAE' } },
  validate: async (inputs, ctx) => {
    if (typeof inputs.ckpt_name !== 'string') return undefined;
    const available = await diffusionModelIds(ctx.folders.models);
    return resolveCheckpointName(inputs.ckpt_name, available) === undefined
      ? `input "ckpt_name": no diffusion model ${JSON.stringify(inputs.ckpt_name)} in the models folder; available: ${available.join(', ') || 'none'}`
      : undefined;
  },
  // A model folder replaced on disk is a new input: its main files' sizes and times.
  fingerprint: async (inputs, ctx) => {
    if (typeof inputs.ckpt_name !== 'string') return null;
    const id = resolveCheckpointName(inputs.ckpt_name, await diffusionModelIds(ctx.folders.models));
    if (id === undefined) return null;
    const dir = modelDir(ctx.folders.models, id);
    const parts = await Promise.all(['manifest.json', 'model_index.json', 'unet/model.onnx', 'transformer/model.onnx'].map(async (file) => {
      const s = await stat(join(dir, file)).catch(() => undefined);
      return s ? `${file}:${s.size}:${s.mtimeMs}` : '';
    }));
    return parts.join('|');
  },
  async run(inputs, ctx) {
    const id = await resolve(inputs.ckpt_name, ctx.folders.models);
    const family = await useDiffusionModel(ctx, id, async (runtime) => runtime.family);
    return {
      MODEL: { kind: 'diffusion_model', id, family },
      CLIP: { kind: 'clip', id, family },
      VAE: { kind: 'vae', id, family },
    };
  },
});
