/**
 * `image.load` (ComfyUI: LoadImage): an image file from the input folder, or an image given
 * inline as base64 / a data URI. Outputs the RGB batch and ComfyUI's mask (1 - alpha). Its
 * fingerprint is the SHA-256 of the file's bytes, so editing the file re-runs the node.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { SwitchyardError, defineNode } from '../../engine/nodes/index.js';
import type { Folders } from '../../engine/nodes/index.js';
import { decodeBase64Strict, decodeDataUri } from './base64.js';
import { EMPTY_IMAGE_MESSAGE, checkImageSource, classifyImageSource, inputImageFile } from './image-source.js';
import { listImageFiles, resolveFileInside } from './paths.js';
import { decodeImage } from './sharp-io.js';
import type { DecodedImage } from './sharp-io.js';

export { classifyImageSource } from './image-source.js';
export type { ImageSource } from './image-source.js';

async function hashFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** The file's content hash, or the inline string's; never throws (the run reports problems). */
export async function imageFingerprint(value: unknown, folders: Folders): Promise<string> {
  if (typeof value !== 'string') return 'none';
  const source = classifyImageSource(value);
  if (source.kind !== 'file') return 'inline:' + createHash('sha256').update(value).digest('hex');
  try {
    return 'file:' + (await hashFile(await resolveFileInside(folders.input, value)));
  } catch {
    return 'unreadable:' + createHash('sha256').update(value).digest('hex');
  }
}

/** Loads the image a value of the `image` input names (file, base64 or data URI). */
export async function loadImageSource(value: string, folders: Folders): Promise<DecodedImage> {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SwitchyardError('invalid_input', EMPTY_IMAGE_MESSAGE, { input: 'image' });
  }
  const source = classifyImageSource(value);
  if (source.kind === 'data-uri') return decodeImage(decodeDataUri(value), 'decoded data');
  if (source.kind === 'base64') return decodeImage(decodeBase64Strict(value), 'decoded data');
  // Checked again although validation did: the file may have changed or gone since.
  const { path } = await inputImageFile(folders.input, value);
  return decodeImage(await readFile(path), `image file ${JSON.stringify(value)}`);
}

export const loadImage = defineNode({
  type: 'image.load',
  title: 'Load Image',
  category: 'image',
  description: 'Loads an image from the input folder, or inline base64 / a data URI. MASK is 1 - alpha (zeros without alpha). EXIF orientation is applied; animated GIF/WebP load as a batch of frames.',
  aliases: [{ type: 'LoadImage', widgets: ['image', null] }],
  inputs: {
    image: {
      type: 'COMBO',
      options: (ctx) => listImageFiles(ctx.folders.input),
      allowCustom: true,
      tooltip: 'A file in the input folder (sub/folder/name.png), base64 image data, or a data:image/...;base64, URI.',
    },
  },
  outputs: { IMAGE: { type: 'IMAGE' }, MASK: { type: 'MASK' } },
  fingerprint: (inputs, ctx) => imageFingerprint(inputs.image, ctx.folders),
  // A literal value is checked before anything runs; a linked one only when the run gets it.
  validate: async (inputs, ctx) => {
    if (typeof inputs.image !== 'string') return undefined;
    const problem = await checkImageSource(inputs.image, ctx.folders);
    return problem === undefined ? undefined : `input "image": ${problem}`;
  },
  async run(inputs, ctx) {
    const { image, mask } = await loadImageSource(inputs.image, ctx.folders);
    return { IMAGE: image, MASK: mask };
  },
});
