/**
 * `POST /api/generate/{flux,sdxl,sd3,pony}`: text-to-image, one saved workflow per family
 * (`legacy/generate-<model>`), all with the same node-id contract (workflows/legacy/README.md):
 * `checkpoint` (CheckpointLoaderSimple), `positive` / `negative` (CLIPTextEncode), `latent`
 * (EmptyLatentImage), `sampler` (KSampler), `save` (SaveImage). The sampling fields and their
 * overrides are shared with the ControlNet routes.
 */
import { z } from 'zod';
import { ImagesAnswerSchema } from './answer.js';
import { dimension, flag, maybeText, optionalNumber, optionalText, requiredText, seedField } from './fields.js';
import type { NodeNeed } from './needs.js';
import { defineLegacyRoute, definedParams, type LegacyRoute } from './table.js';

export interface SamplingDefaults {
  width: number;
  height: number;
  steps: number;
  guidance: number;
}

/** Body fields of every prompt → image route. */
export function samplingFields(defaults: SamplingDefaults) {
  return {
    prompt: requiredText(),
    negative_prompt: optionalText(''),
    width: dimension(defaults.width),
    height: dimension(defaults.height),
    steps: optionalNumber({ min: 1, max: 150, integer: true, default: defaults.steps }),
    guidance_scale: optionalNumber({ min: 0, max: 30, default: defaults.guidance }),
    seed: seedField(),
    num_images: optionalNumber({ min: 1, max: 8, integer: true, default: 1 }),
    sampler: maybeText(64),
    scheduler: maybeText(64),
    model: maybeText(200),
    return_base64: flag(false),
  };
}

/** Other names clients of such APIs send for the sampling fields. */
export const SAMPLING_ALIASES = {
  negative: 'negative_prompt',
  cfg: 'guidance_scale',
  cfg_scale: 'guidance_scale',
  num_inference_steps: 'steps',
  batch_size: 'num_images',
  sampler_name: 'sampler',
} as const;

const SamplingBody = z.object(samplingFields({ width: 1024, height: 1024, steps: 20, guidance: 7 }));
type SamplingValues = z.output<typeof SamplingBody>;

/** The overrides of the shared node ids; fields left out keep the workflow's values. */
export function samplingParams(body: SamplingValues): Record<string, unknown> {
  return definedParams({
    'checkpoint.ckpt_name': body.model,
    'positive.text': body.prompt,
    'negative.text': body.negative_prompt,
    'latent.width': body.width,
    'latent.height': body.height,
    'latent.batch_size': body.num_images,
    'sampler.seed': body.seed,
    'sampler.steps': body.steps,
    'sampler.cfg': body.guidance_scale,
    'sampler.sampler_name': body.sampler,
    'sampler.scheduler': body.scheduler,
  });
}

/** The node chain of ComfyUI's default text-to-image graph (names the diffusion pack accepts as aliases). */
export const TEXT_TO_IMAGE_NEEDS: readonly NodeNeed[] = [
  { type: 'CheckpointLoaderSimple', pack: 'diffusion' },
  { type: 'CLIPTextEncode', pack: 'diffusion' },
  { type: 'EmptyLatentImage', pack: 'diffusion' },
  { type: 'KSampler', pack: 'diffusion' },
  { type: 'VAEDecode', pack: 'diffusion' },
  { type: 'SaveImage', pack: 'image' },
];

const FAMILIES: { model: string; title: string; defaults: SamplingDefaults }[] = [
  { model: 'flux', title: 'Flux', defaults: { width: 1024, height: 1024, steps: 4, guidance: 1 } },
  { model: 'sdxl', title: 'SDXL', defaults: { width: 1024, height: 1024, steps: 30, guidance: 7 } },
  { model: 'sd3', title: 'Stable Diffusion 3', defaults: { width: 1024, height: 1024, steps: 28, guidance: 4.5 } },
  { model: 'pony', title: 'Pony Diffusion (an SDXL checkpoint)', defaults: { width: 1024, height: 1024, steps: 25, guidance: 7 } },
];

export const GENERATE_ROUTES: LegacyRoute[] = FAMILIES.map(({ model, title, defaults }) =>
  defineLegacyRoute({
    path: `/api/generate/${model}`,
    summary: `Text to image with ${title}`,
    task: 'text-to-image',
    model,
    workflow: `legacy/generate-${model}`,
    body: z.object(samplingFields(defaults)),
    aliases: SAMPLING_ALIASES,
    response: ImagesAnswerSchema,
    needs: TEXT_TO_IMAGE_NEEDS,
    params: (body) => samplingParams(body),
    async answer(body, _run, kit) {
      return {
        success: true as const,
        model,
        images: await kit.images({ base64: body.return_base64 }),
        seed: body.seed,
        width: body.width,
        height: body.height,
        steps: body.steps,
        ...kit.timing(),
      };
    },
  }),
);
