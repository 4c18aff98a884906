/**
 * `diffusion.clip_text_encode` (ComfyUI: CLIPTextEncode): a prompt through the checkpoint's text
 * encoders into CONDITIONING — CLIP for SD 1.x, both CLIPs for SDXL/Pony, CLIP-L + CLIP-G + T5
 * for SD3, CLIP + T5 for Flux. `(word:1.2)` weighting on CLIP encoders.
 */
import { defineNode } from '../../../engine/nodes/index.js';
import { asClip } from '../model/handles.js';
import { useDiffusionModel } from '../model/use.js';

export const clipTextEncode = defineNode({
  type: 'diffusion.clip_text_encode',
  title: 'CLIP Text Encode (Prompt)',
  category: 'conditioning',
  description: 'Encodes a prompt with the checkpoint\'s text encoders into CONDITIONING for a sampler. (word:1.2) raises a word\'s weight.',
  aliases: ['CLIPTextEncode'],
  inputs: {
    text: { type: 'STRING', default: '', multiline: true },
    clip: { type: 'CLIP' },
  },
  outputs: { CONDITIONING: { type: 'CONDITIONING' } },
  async run(inputs, ctx) {
    const clip = asClip(inputs.clip);
    const conditioning = await useDiffusionModel(ctx, clip.id, (runtime) => runtime.encodeText(inputs.text));
    if (conditioning.truncated > 0) ctx.log.warn({ truncated: conditioning.truncated }, `the prompt is longer than the text encoder's context; the last ${conditioning.truncated} tokens were ignored`);
    return { CONDITIONING: conditioning };
  },
});

/** `diffusion.flux_guidance` (ComfyUI: FluxGuidance): sets Flux dev's distilled guidance on a conditioning. */
export const fluxGuidance = defineNode({
  type: 'diffusion.flux_guidance',
  title: 'Flux Guidance',
  category: 'conditioning',
  description: 'Sets the distilled guidance Flux dev takes as an input (default 3.5). Other models ignore it.',
  aliases: ['FluxGuidance'],
  inputs: {
    conditioning: { type: 'CONDITIONING' },
    guidance: { type: 'FLOAT', default: 3.5, min: 0, max: 100, step: 0.1 },
  },
  outputs: { CONDITIONING: { type: 'CONDITIONING' } },
  run(inputs) {
    const cond = inputs.conditioning as object;
    return { CONDITIONING: { ...cond, guidance: inputs.guidance } };
  },
});
