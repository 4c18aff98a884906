/**
 * `diffusion.text_to_image`: the one-node text-to-image shortcut for SD 1.x/2.x models — pick a
 * model folder (the `demo-sd15` stand-in works everywhere), write a prompt, get an IMAGE.
 * The model is loaded through the engine's model manager (once, shared, evicted by its limits);
 * progress is reported per sampling step and an interruption stops between steps. `seed = 0`
 * is a seed like any other. The ComfyUI-style chain (loader → encode → sampler → decode) comes
 * next on top of the same pipeline.
 */
import { createImage, defineNode, SwitchyardError } from '../../../engine/nodes/index.js';
import { loadSd15, sd15Models } from '../load-sd15.js';
import { sd15TextToImage, type Sd15Model } from '../pipelines/sd15.js';

export const SAMPLERS = ['euler', 'euler_ancestral', 'ddim'] as const;
export const SCHEDULERS = ['normal', 'karras'] as const;
const MAX_SEED = Number.MAX_SAFE_INTEGER;

export const textToImage = defineNode({
  type: 'diffusion.text_to_image',
  title: 'Text to Image',
  category: 'sampling',
  description: 'Generates an image from a prompt with an SD 1.x/2.x model folder (diffusers ONNX layout). demo-sd15 is a tiny stand-in that draws colour fields.',
  inputs: {
    model: { type: 'COMBO', options: (ctx) => sd15Models(ctx.folders.models), default: 'demo-sd15', tooltip: 'A folder in the models folder (diffusers/optimum ONNX export).' },
    prompt: { type: 'STRING', default: '', multiline: true },
    negative_prompt: { type: 'STRING', default: '', multiline: true },
    width: { type: 'INT', default: 512, min: 64, max: 2048, step: 8 },
    height: { type: 'INT', default: 512, min: 64, max: 2048, step: 8 },
    steps: { type: 'INT', default: 20, min: 1, max: 150 },
    cfg: { type: 'FLOAT', default: 7.5, min: 0, max: 30, step: 0.1 },
    seed: { type: 'INT', default: 0, min: 0, max: MAX_SEED, control: true },
    sampler: { type: 'COMBO', options: SAMPLERS, default: 'euler' },
    scheduler: { type: 'COMBO', options: SCHEDULERS, default: 'normal' },
  },
  outputs: { IMAGE: { type: 'IMAGE' } },
  async run(inputs, ctx) {
    if (inputs.width % 8 !== 0 || inputs.height % 8 !== 0) {
      throw new SwitchyardError('invalid_input', `width and height must be multiples of 8, got ${inputs.width}×${inputs.height}`, { width: inputs.width, height: inputs.height });
    }
    const image = await ctx.models.use(inputs.model, (id) => loadSd15(ctx.folders.models, id), (model: Sd15Model) =>
      sd15TextToImage(model, {
        prompt: inputs.prompt,
        negativePrompt: inputs.negative_prompt,
        width: inputs.width,
        height: inputs.height,
        steps: inputs.steps,
        cfg: inputs.cfg,
        seed: inputs.seed,
        sampler: inputs.sampler,
        scheduler: inputs.scheduler,
        signal: ctx.signal,
        onStep: (done, total) => ctx.progress(done, total),
      }));
    if (image.truncated > 0) ctx.log.warn({ truncated: image.truncated }, `the prompt is longer than 75 tokens; the last ${image.truncated} were ignored`);
    return { IMAGE: createImage(image.width, image.height, 1, image.pixels) };
  },
});
