/**
 * `image.preview` (ComfyUI: PreviewImage): writes the batch as PNGs into the temp folder for
 * the user to look at. Cached like any node: an unchanged input shows the same temp files
 * again (they live until the temp folder is cleared at start-up, as does the cache).
 */
import { randomInt } from 'node:crypto';
import { defineNode } from '../../engine/nodes/index.js';
import { workflowText, writeImageFiles } from './write-files.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** A short random suffix so previews of concurrent runs do not share a prefix (as ComfyUI does). */
function randomSuffix(length = 5): string {
  let suffix = '';
  for (let i = 0; i < length; i++) suffix += LETTERS[randomInt(LETTERS.length)];
  return suffix;
}

export const previewImage = defineNode({
  type: 'image.preview',
  title: 'Preview Image',
  category: 'image',
  description: 'Shows images: writes them as PNGs into the temp folder (cleared at start-up).',
  aliases: ['PreviewImage'],
  output: true,
  inputs: {
    images: { type: 'IMAGE', tooltip: 'The images to preview.' },
  },
  outputs: {},
  async run(inputs, ctx) {
    const images = await writeImageFiles(inputs.images, {
      folder: ctx.folders.temp,
      type: 'temp',
      prefix: `Switchyard_temp_${randomSuffix()}`,
      compressionLevel: 1,
      text: workflowText(ctx.workflow),
      throwIfAborted: () => ctx.throwIfAborted(),
    });
    return { ui: { images } };
  },
});
