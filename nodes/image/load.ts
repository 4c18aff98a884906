/**
 * `image.load` (ComfyUI: LoadImage): an image file from the input folder, or an image given
 * inline as base64 / a data URI. Outputs the RGB batch and ComfyUI's mask (1 - alpha). Its
 * fingerprint is the SHA-256 of the file's bytes, so editing the file re-runs the node.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { SwitchyardError, defineNode } from '../../engine/nodes/index.js';
import type { Folders } from '../../engine/nodes/index.js';
import { decodeBase64Strict, decodeDataUri, isDataUri } from './base64.js';
import { MAX_IMAGE_BYTES } from './limits.js';
import { listImageFiles, resolveFileInside } from './paths.js';
import { decodeImage } from './sharp-io.js';
import type { DecodedImage } from './sharp-io.js';

export type ImageSource = { kind: 'data-uri' | 'base64'; value: string } | { kind: 'file'; value: string };

/** Shortest raw base64 we take for inline data (no image file is smaller than 24 bytes). */
const MIN_RAW_BASE64 = 32;
const RAW_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HAS_EXTENSION = /\.[A-Za-z0-9]{1,8}$/;

/**
 * What a value of the `image` input means: a data URI; base64 (long, and either pure base64 or
 * at least not path-like: no extension — base64 never has a dot —, no "..", "\\", null byte or
 * leading "/", so a broken paste gets base64 errors); otherwise a file name, checked for safety.
 */
export function classifyImageSource(value: string): ImageSource {
  if (isDataUri(value)) return { kind: 'data-uri', value };
  if (value.length >= MIN_RAW_BASE64) {
    if (RAW_BASE64.test(value)) return { kind: 'base64', value };
    const pathLike = HAS_EXTENSION.test(value) || /[\0\\]/.test(value) || value.startsWith('/') || value.split('/').includes('..');
    if (!pathLike) return { kind: 'base64', value };
  }
  return { kind: 'file', value };
}

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

async function readInputFile(input: string, name: string): Promise<Buffer> {
  const path = await resolveFileInside(input, name);
  const { size } = await stat(path);
  if (size > MAX_IMAGE_BYTES) {
    throw new SwitchyardError('invalid_image', `image file ${JSON.stringify(name)} is ${size} bytes, more than the limit of ${MAX_IMAGE_BYTES} bytes`, { path: name, bytes: size });
  }
  return readFile(path);
}

/** Loads the image a value of the `image` input names (file, base64 or data URI). */
export async function loadImageSource(value: string, folders: Folders): Promise<DecodedImage> {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SwitchyardError('invalid_input', 'image must name a file in the input folder or hold base64 image data', { input: 'image' });
  }
  const source = classifyImageSource(value);
  if (source.kind === 'data-uri') return decodeImage(decodeDataUri(value), 'decoded data');
  if (source.kind === 'base64') return decodeImage(decodeBase64Strict(value), 'decoded data');
  return decodeImage(await readInputFile(folders.input, value), `image file ${JSON.stringify(value)}`);
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
  async run(inputs, ctx) {
    const { image, mask } = await loadImageSource(inputs.image, ctx.folders);
    return { IMAGE: image, MASK: mask };
  },
});
