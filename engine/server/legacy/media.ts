/**
 * Media in legacy request bodies (images, audio as base64 or `data:` URIs), built on the shared
 * upload code in engine/server/files/: strict base64 (first bad character and its position, the
 * padding), the format judged from the bytes, a data URI's declared type checked against them,
 * a size limit. Inline images are decoded once with sharp while the body is validated, so a
 * corrupt one is a 400 before anything else happens. Accepted media goes into the input folder
 * through the shared upload writer, under `legacy/<sha256>.<ext>`: content-addressed, so the
 * same image sent twice is one file, and LoadImage gets a file name instead of megabytes of
 * base64 in the persisted run record.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { SwitchyardError, isSwitchyardError } from '../../errors.js';
import { checkBase64, inlineData } from '../files/base64.js';
import { checkRelativePath, resolveSafeFile } from '../files/safe-path.js';
import { canonicalMime, declaredTypeAgrees, mediaOf, sniffFormat, type MediaFormat, type SniffedMedia } from '../files/sniff.js';
import { stageChunks, stagingFolder, storeUpload } from '../files/uploads.js';

export type LegacyMediaKind = 'image' | 'audio';

/** Formats each kind of field takes: what the image pack decodes, and common audio files. */
const ACCEPTED: Record<LegacyMediaKind, readonly MediaFormat[]> = {
  image: ['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif'],
  audio: ['wav', 'mp3', 'ogg', 'flac'],
};
/** Pixels one inline image may have (sharp's default, stated). */
const MAX_PIXELS = 16383 * 16383;
/** Folder inside the input folder where legacy media lands. */
export const LEGACY_INPUT_SUBFOLDER = 'legacy';

/** A media field's value, checked and decoded: what a legacy body's media field parses to. */
export class InlineMedia {
  constructor(
    readonly kind: LegacyMediaKind,
    readonly bytes: Buffer,
    readonly media: SniffedMedia,
  ) {}
}

/** A file a client named that should already be in the input folder (checked before the run). */
export class InputFile {
  constructor(readonly name: string) {}
}

export type MediaCheck = { ok: true; value: InlineMedia } | { ok: false; message: string };

function acceptedList(kind: LegacyMediaKind): string {
  return ACCEPTED[kind].map((format) => mediaOf(format).mime).join(', ');
}

/**
 * Checks one media field value (plain base64 or a base64 data URI) and decodes it. Problems
 * come back as a message for the field; anything unexpected is rethrown.
 */
export function checkMedia(value: string, kind: LegacyMediaKind, maxBytes: number): MediaCheck {
  if (value.length === 0) return { ok: false, message: `is empty; expected base64 ${kind} data or a data: URI` };
  if (/^https?:\/\//i.test(value)) return { ok: false, message: `is a URL; URLs are not fetched: send the ${kind} as base64 or a data: URI` };
  try {
    const { text, offset, declaredMime } = inlineData(value);
    const size = checkBase64(text, offset);
    if (size > maxBytes) return { ok: false, message: `decodes to ${size} bytes, more than the limit of ${maxBytes} bytes` };
    const bytes = Buffer.from(text, 'base64');
    const format = sniffFormat(bytes);
    if (format === undefined || !ACCEPTED[kind].includes(format)) {
      const found = format === undefined ? 'in no format we recognise' : mediaOf(format).mime;
      return { ok: false, message: `the decoded data is ${found}, not ${kind === 'image' ? 'an image' : 'audio'} we read (${acceptedList(kind)})` };
    }
    const media = mediaOf(format);
    if (declaredMime !== '' && !declaredTypeAgrees(declaredMime, media)) {
      return { ok: false, message: `the data URI declares ${canonicalMime(declaredMime)} but the data is ${media.mime}` };
    }
    return { ok: true, value: new InlineMedia(kind, bytes, media) };
  } catch (error) {
    if (isSwitchyardError(error)) return { ok: false, message: error.message };
    throw error;
  }
}

/** The top-level fields of a parsed body that hold inline media. */
export function mediaFields(body: Record<string, unknown>): [string, InlineMedia][] {
  return Object.entries(body).filter((entry): entry is [string, InlineMedia] => entry[1] instanceof InlineMedia);
}

/** The top-level fields of a parsed body that name input files. */
export function inputFileFields(body: Record<string, unknown>): [string, InputFile][] {
  return Object.entries(body).filter((entry): entry is [string, InputFile] => entry[1] instanceof InputFile);
}

/** Decodes an inline image fully; answers the problem, or undefined when it decodes. */
export async function imageProblem(value: InlineMedia): Promise<string | undefined> {
  try {
    // stats() decodes every pixel (libvips streams them) without holding the raw image in memory.
    await sharp(value.bytes, { limitInputPixels: MAX_PIXELS, failOn: 'error', sequentialRead: true }).stats();
    return undefined;
  } catch (error) {
    return `the data is ${value.media.mime} but it cannot be decoded: ${(error as Error).message.trim()}`;
  }
}

/** Why `name` is not a safe relative path, or undefined (the shared path rules). */
export function fileNameProblem(name: string): string | undefined {
  try {
    checkRelativePath(name, 'file name');
    return undefined;
  } catch (error) {
    if (isSwitchyardError(error)) return error.message;
    throw error;
  }
}

/** Why `name` is not a file in the input folder, or undefined when it is one. */
export async function inputFileProblem(inputFolder: string, name: string): Promise<string | undefined> {
  try {
    await resolveSafeFile(inputFolder, name, 'file');
    return undefined;
  } catch (error) {
    if (!isSwitchyardError(error)) throw error;
    if (error.code === 'not_found') return `no file ${JSON.stringify(name)} in the input folder (upload it first, e.g. with POST /upload/image)`;
    return error.message;
  }
}

export interface MediaFolders {
  input: string;
  temp: string;
}

/**
 * Writes the media into `<input>/legacy/` under its content hash (through the shared upload
 * writer: type by content, images verified, atomic placement) and answers the name loaders
 * take. A file already there under that hash has the same bytes and is reused.
 */
export async function storeMedia(folders: MediaFolders, value: InlineMedia): Promise<string> {
  const hash = createHash('sha256').update(value.bytes).digest('hex').slice(0, 32);
  const file = `${hash}${value.media.extension}`;
  const name = `${LEGACY_INPUT_SUBFOLDER}/${file}`;
  if (await stat(join(folders.input, LEGACY_INPUT_SUBFOLDER, file)).then((info) => info.isFile(), () => false)) return name;
  const staged = await stageChunks([value.bytes], stagingFolder(folders.temp), value.bytes.length);
  try {
    const stored = await storeUpload(staged, { root: folders.input, type: 'input', subfolder: LEGACY_INPUT_SUBFOLDER, overwrite: true, clientName: file });
    if (stored.path !== name) throw new SwitchyardError('internal', `the ${value.kind} was stored as ${stored.path}, expected ${name}`, { stored: stored.path, expected: name });
    return stored.path;
  } finally {
    await staged.dispose();
  }
}
