/**
 * What a value of LoadImage's `image` input means — a data URI, raw base64, or a file name in
 * the input folder — and the checks that can be made on it without decoding any pixels. The
 * same rules serve validation (`checkImageSource`, before anything runs) and the run itself,
 * which checks again because files can change in between.
 */
import { open, stat } from 'node:fs/promises';
import { SwitchyardError } from '../../engine/nodes/index.js';
import type { Folders } from '../../engine/nodes/index.js';
import { checkBase64Strict, dataUriPayload, isDataUri } from './base64.js';
import { MAX_IMAGE_BYTES } from './limits.js';
import { resolveFileInside } from './paths.js';
import { sniffImageFormat } from './sniff.js';

export type ImageSource = { kind: 'data-uri' | 'base64'; value: string } | { kind: 'file'; value: string };

/** Shortest raw base64 we take for inline data (no image file is smaller than 24 bytes). */
const MIN_RAW_BASE64 = 32;
const RAW_BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const HAS_EXTENSION = /\.[A-Za-z0-9]{1,8}$/;
/** Leading bytes looked at to recognise a format (ISO-BMFF brand lists can run long). */
const HEAD_BYTES = 512;

export const EMPTY_IMAGE_MESSAGE = 'image must name a file in the input folder or hold base64 image data';

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

/**
 * The real path and size of image file `name` inside `input`: unsafe_path for names or
 * symlinks leaving the folder, not_found for a missing file, invalid_image past the size limit.
 */
export async function inputImageFile(input: string, name: string): Promise<{ path: string; size: number }> {
  const path = await resolveFileInside(input, name);
  const { size } = await stat(path);
  if (size > MAX_IMAGE_BYTES) {
    throw new SwitchyardError('invalid_image', `image file ${JSON.stringify(name)} is ${size} bytes, more than the limit of ${MAX_IMAGE_BYTES} bytes`, { path: name, bytes: size });
  }
  return { path, size };
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Whether leading bytes may start an image we decode. An ISO-BMFF head whose brand list runs
 * past the bytes we read is given the benefit of the doubt: the run decides.
 */
function mayBeImage(head: Buffer): boolean {
  return sniffImageFormat(head) !== undefined || (head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp');
}

/**
 * Validation of a literal `image` value without decoding pixels: a data URI or base64 must be
 * well-formed (the first bad character and its position, as at run time) and start like an
 * image; a file name must be safe, exist inside the input folder, be within the size limit and
 * start like an image. Returns the problem's message, or undefined when the value looks fine.
 */
export async function checkImageSource(value: string, folders: Folders): Promise<string | undefined> {
  if (value.length === 0) return EMPTY_IMAGE_MESSAGE;
  try {
    const source = classifyImageSource(value);
    if (source.kind === 'file') {
      const { path } = await inputImageFile(folders.input, value);
      if (!mayBeImage(await readHead(path))) return `image file ${JSON.stringify(value)} is not an image (unknown format)`;
      return undefined;
    }
    const { text, offset } = source.kind === 'data-uri' ? dataUriPayload(value) : { text: value, offset: 0 };
    checkBase64Strict(text, offset);
    // Only the head is decoded: enough to recognise the format, whatever the payload's size.
    const headChars = Math.ceil(HEAD_BYTES / 3) * 4;
    if (!mayBeImage(Buffer.from(text.slice(0, headChars), 'base64'))) return 'decoded data is not an image (unknown format)';
    return undefined;
  } catch (error) {
    if (error instanceof SwitchyardError) return error.message;
    throw error;
  }
}
