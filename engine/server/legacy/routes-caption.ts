/**
 * `POST /api/caption/{llava,blip,qwen}`: describe an image. The image comes inline (`image`:
 * base64 or a data URI) or as the name of a file already in the input folder (`image_name`,
 * e.g. from `POST /upload/image`). Workflows `legacy/caption-<model>` share one node-id
 * contract (workflows/legacy/README.md): `image` (LoadImage) and `caption` (the captioning
 * node, taking `prompt` and `max_tokens`), whose shown text is the caption.
 */
import { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import { CaptionAnswerSchema } from './answer.js';
import { inputFileName, maybeImage, optionalNumber, optionalText } from './fields.js';
import type { NodeNeed } from './needs.js';
import { defineLegacyRoute, definedParams, type LegacyRoute } from './table.js';

const CAPTION_NEEDS: readonly NodeNeed[] = [
  { type: 'LoadImage', pack: 'image' },
  { type: 'ImageCaption', pack: 'caption' },
];

const MODELS: { model: string; title: string; prompt: string }[] = [
  { model: 'llava', title: 'LLaVA', prompt: 'Describe this image in detail.' },
  // BLIP captions without an instruction; a prompt given is used as the caption's opening words.
  { model: 'blip', title: 'BLIP', prompt: '' },
  { model: 'qwen', title: 'Qwen2-VL', prompt: 'Describe this image in detail.' },
];

function captionBody(defaultPrompt: string) {
  return z
    .object({
      image: maybeImage(),
      image_name: inputFileName(),
      prompt: optionalText(defaultPrompt, 4000),
      max_tokens: optionalNumber({ min: 1, max: 2048, integer: true, default: 256 }),
    })
    .superRefine((body, ctx) => {
      if (body.image !== undefined && body.image_name !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['image'], message: 'give either "image" (base64) or "image_name" (an uploaded file), not both' });
      } else if (body.image === undefined && body.image_name === undefined) {
        ctx.addIssue({ code: 'custom', path: ['image'], message: 'is required: the image as base64 or a data: URI (or "image_name": a file in the input folder)' });
      }
    });
}

export const CAPTION_ROUTES: LegacyRoute[] = MODELS.map(({ model, title, prompt }) =>
  defineLegacyRoute({
    path: `/api/caption/${model}`,
    summary: `Caption an image with ${title}`,
    task: 'image captioning',
    model,
    workflow: `legacy/caption-${model}`,
    body: captionBody(prompt),
    aliases: { image_base64: 'image', question: 'prompt', max_new_tokens: 'max_tokens', filename: 'image_name' },
    response: CaptionAnswerSchema,
    needs: CAPTION_NEEDS,
    params: (body, media) =>
      definedParams({
        'image.image': media((body.image ?? body.image_name)!),
        'caption.prompt': body.prompt,
        'caption.max_tokens': body.max_tokens,
      }),
    async answer(body, run, kit) {
      const caption = kit.texts()[0];
      if (caption === undefined) {
        throw new SwitchyardError('internal', `the workflow legacy/caption-${model} finished without showing a caption text`, { run_id: run.id });
      }
      return { success: true as const, model, caption: caption.trim(), prompt: body.prompt, ...kit.timing() };
    },
  }),
);
