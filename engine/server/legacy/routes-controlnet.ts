/**
 * `POST /api/controlnet/{mistoline,union}`: text-to-image guided by a control image (MistoLine:
 * line art; Union: one model for several control types, chosen by `control_type`). Workflows
 * `legacy/controlnet-<model>` use the text-to-image node ids plus `control_image` (LoadImage),
 * `controlnet_apply` (ControlNetApplyAdvanced: strength, start/end percent) and, for Union,
 * `control_type` (SetUnionControlNetType) — see workflows/legacy/README.md.
 */
import { z } from 'zod';
import { ImagesAnswerSchema } from './answer.js';
import { imageField, maybeText, optionalNumber } from './fields.js';
import type { NodeNeed } from './needs.js';
import { SAMPLING_ALIASES, TEXT_TO_IMAGE_NEEDS, samplingFields, samplingParams } from './routes-generate.js';
import { defineLegacyRoute, definedParams, type LegacyRoute } from './table.js';

const CONTROLNET_NEEDS: readonly NodeNeed[] = [
  ...TEXT_TO_IMAGE_NEEDS,
  { type: 'LoadImage', pack: 'image' },
  { type: 'ControlNetLoader', pack: 'controlnet' },
  { type: 'ControlNetApplyAdvanced', pack: 'controlnet' },
];

function controlFields() {
  return {
    ...samplingFields({ width: 1024, height: 1024, steps: 30, guidance: 7 }),
    control_image: imageField(),
    strength: optionalNumber({ min: 0, max: 2, default: 1 }),
    start_percent: optionalNumber({ min: 0, max: 1, default: 0 }),
    end_percent: optionalNumber({ min: 0, max: 1, default: 1 }),
  };
}

const CONTROL_ALIASES = {
  ...SAMPLING_ALIASES,
  image: 'control_image',
  control_image_base64: 'control_image',
  controlnet_conditioning_scale: 'strength',
  control_strength: 'strength',
} as const;

const mistoline = defineLegacyRoute({
  path: '/api/controlnet/mistoline',
  summary: 'Image from a prompt, following the lines of a control image (MistoLine)',
  task: 'ControlNet image generation',
  model: 'mistoline',
  workflow: 'legacy/controlnet-mistoline',
  body: z.object(controlFields()),
  aliases: CONTROL_ALIASES,
  response: ImagesAnswerSchema,
  needs: CONTROLNET_NEEDS,
  params: (body, media) => ({
    ...samplingParams(body),
    'control_image.image': media(body.control_image),
    'controlnet_apply.strength': body.strength,
    'controlnet_apply.start_percent': body.start_percent,
    'controlnet_apply.end_percent': body.end_percent,
  }),
  async answer(body, _run, kit) {
    return { success: true as const, model: 'mistoline', images: await kit.images({ base64: body.return_base64 }), seed: body.seed, width: body.width, height: body.height, steps: body.steps, ...kit.timing() };
  },
});

const union = defineLegacyRoute({
  path: '/api/controlnet/union',
  summary: 'Image from a prompt, guided by a control image of a chosen type (ControlNet Union)',
  task: 'ControlNet image generation',
  model: 'union',
  workflow: 'legacy/controlnet-union',
  body: z.object({ ...controlFields(), control_type: maybeText(64) }),
  aliases: CONTROL_ALIASES,
  response: ImagesAnswerSchema,
  needs: [...CONTROLNET_NEEDS, { type: 'SetUnionControlNetType', pack: 'controlnet' }],
  params: (body, media) => ({
    ...samplingParams(body),
    'control_image.image': media(body.control_image),
    'controlnet_apply.strength': body.strength,
    'controlnet_apply.start_percent': body.start_percent,
    'controlnet_apply.end_percent': body.end_percent,
    ...definedParams({ 'control_type.type': body.control_type }),
  }),
  async answer(body, _run, kit) {
    return { success: true as const, model: 'union', images: await kit.images({ base64: body.return_base64 }), seed: body.seed, width: body.width, height: body.height, steps: body.steps, ...kit.timing() };
  },
});

export const CONTROLNET_ROUTES: LegacyRoute[] = [mistoline, union];
