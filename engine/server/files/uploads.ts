/**
 * Receiving an uploaded file: multipart (busboy, streamed) or inline JSON (base64 / data URI),
 * staged to a private temp file (`<temp>/.uploads/<uuid>.part`, hidden so never served), then
 * checked — type sniffed from the bytes, never from the client's claim; images decoded in full
 * by sharp so a corrupt one is refused; size capped while reading — and only then moved into
 * `<folder>/<subfolder>/` under a cleaned, collision-free name (an exclusive hard link, so two
 * uploads of "cat.png" at once get "cat.png" and "cat (1).png"; replaced only with overwrite).
 * Whatever fails, the staged file is removed before the answer goes out.
 */
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request } from 'express';
import busboy from 'busboy';
import sharp from 'sharp';
import { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import { checkRelativePath, ensureFolderInside } from './safe-path.js';
import { declaredTypeAgrees, mediaOf, sniffFormat, SNIFF_BYTES, type MediaFormat, type SniffedMedia } from './sniff.js';
import { candidateName, uploadExtension, uploadStem } from './names.js';
import { checkBase64, inlineData } from './base64.js';

/** Formats an upload may have: what the image pack decodes (checked with sharp) and audio/video for later nodes. */
export const UPLOAD_FORMATS: ReadonlySet<MediaFormat> = new Set<MediaFormat>(['png', 'jpeg', 'webp', 'gif', 'tiff', 'avif', 'wav', 'mp3', 'ogg', 'flac', 'mp4', 'webm']);
/** Most "name (n).ext" candidates tried before giving up. */
const MAX_NAME_ATTEMPTS = 10_000;

export const FolderTypeSchema = z.enum(['input', 'output', 'temp']);
export type FolderType = z.infer<typeof FolderTypeSchema>;

/** A boolean flag as JSON or as a form field ("true"/"1"/"on"/"yes", "false"/"0"/"off"/"no"/""). */
export const FlagSchema = z.union([
  z.boolean(),
  z.enum(['true', '1', 'on', 'yes']).transform(() => true),
  z.enum(['false', '0', 'off', 'no', '']).transform(() => false),
]);

/** What an upload answers (201). */
export const UploadResultSchema = z.object({
  /** The stored file name (cleaned; " (n)" added on a clash). */
  name: z.string(),
  /** The subfolder it went into ("" for the folder itself). */
  subfolder: z.string(),
  type: FolderTypeSchema,
  /** `subfolder/name`: the value LoadImage's `image` input takes. */
  path: z.string(),
  size: z.number().int().nonnegative(),
  mime: z.string(),
  kind: z.enum(['image', 'audio', 'video']),
  width: z.number().int().positive().optional(),
  height: z.number().int().positive().optional(),
});
export type UploadResult = z.infer<typeof UploadResultSchema>;

export interface StagedFile {
  readonly path: string;
  readonly size: number;
  /** The first bytes, for sniffing. */
  readonly head: Buffer;
  /** Removes the staged file (nothing when it was moved away already). */
  dispose(): Promise<void>;
}

export function stagingFolder(temp: string): string {
  return join(temp, '.uploads');
}

export function tooLarge(limit: number, size?: number): SwitchyardError {
  return new SwitchyardError('payload_too_large', `upload is larger than the limit of ${limit} bytes${size === undefined ? '' : ` (${size} bytes)`}`, { limit, ...(size === undefined ? {} : { size }) });
}

/** Writes `chunks` to a new staged file, refusing past `limit` bytes; the partial file is removed on any failure. */
export async function stageChunks(chunks: AsyncIterable<Buffer> | Iterable<Buffer>, stagingDir: string, limit: number): Promise<StagedFile> {
  await mkdir(stagingDir, { recursive: true });
  const path = join(stagingDir, `${randomUUID()}.part`);
  const dispose = () => rm(path, { force: true });
  const handle = await open(path, 'wx', 0o644);
  let size = 0;
  const head: Buffer[] = [];
  let headBytes = 0;
  try {
    for await (const chunk of chunks) {
      size += chunk.length;
      if (size > limit) throw tooLarge(limit);
      if (headBytes < SNIFF_BYTES) {
        head.push(chunk.subarray(0, SNIFF_BYTES - headBytes));
        headBytes += Math.min(chunk.length, SNIFF_BYTES - headBytes);
      }
      await handle.write(chunk);
    }
  } catch (error) {
    await handle.close().catch(() => undefined);
    await dispose();
    throw error;
  }
  await handle.close();
  return { path, size, head: Buffer.concat(head), dispose };
}

export interface ReceivedMultipart {
  staged: StagedFile;
  /** The file name the client gave (may be empty). */
  clientName: string;
  /** Every non-file field, by name. */
  fields: Record<string, string>;
}

export interface MultipartOptions {
  /** The form field holding the file ("file", ComfyUI's "image"). */
  fileField: string;
  limitBytes: number;
  stagingDir: string;
}

/** Reads the rest of a refused body into nothing, up to `cap` bytes, then drops the connection. */
export function discardBody(req: Request, cap: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > cap) req.socket.destroy();
  });
  req.resume();
}

/**
 * Streams a multipart/form-data body: the one file of `fileField` goes to a staged file (size
 * checked while it arrives), the other fields are collected. Any problem settles at once with
 * a SwitchyardError — parsing stops, the rest of the body is discarded, the staged file is
 * removed before the promise rejects.
 */
export function receiveMultipart(req: Request, options: MultipartOptions): Promise<ReceivedMultipart> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      // Keep the client's full file name: a name with "../" is refused, not silently cut.
      preservePath: true,
      limits: { files: 1, fields: 16, parts: 32, fieldSize: 64 * 1024, fieldNameSize: 100, fileSize: options.limitBytes + 1 },
    });
  } catch (error) {
    return Promise.reject(new SwitchyardError('unsupported_media_type', `expected a multipart/form-data body: ${(error as Error).message}`, {}));
  }
  return new Promise<ReceivedMultipart>((resolve, reject) => {
    const fields: Record<string, string> = {};
    const otherFiles: string[] = [];
    let staging: Promise<StagedFile> | undefined;
    let clientName = '';
    let settled = false;
    const abort = new AbortController();

    const fail = (error: unknown): void => {
      if (settled) return;
      settled = true;
      abort.abort();
      req.unpipe(parser);
      discardBody(req, options.limitBytes);
      const cleanup = staging ? staging.then((staged) => staged.dispose(), () => undefined) : Promise.resolve();
      cleanup.then(() => reject(error), () => reject(error));
    };

    parser.on('file', (name, stream, info) => {
      if (settled || name !== options.fileField || staging) {
        if (name !== options.fileField) otherFiles.push(name);
        stream.on('error', () => undefined);
        stream.resume();
        return;
      }
      // Browsers escape '"', CR and LF in multipart file names (and nothing else).
      clientName = (info.filename ?? '').replace(/%22/g, '"').replace(/%0d/gi, '\r').replace(/%0a/gi, '\n');
      // The staging loop starts reading after opening its file; until then a parse error that
      // destroys this stream must not go unhandled (the loop, or the parser's 'error', reports it).
      stream.on('error', () => undefined);
      const chunks = stream as unknown as AsyncIterable<Buffer>;
      abort.signal.addEventListener('abort', () => stream.destroy(), { once: true });
      staging = stageChunks(chunks, options.stagingDir, options.limitBytes);
      staging.catch(fail);
    });
    parser.on('field', (name, value, info) => {
      if (info.nameTruncated || info.valueTruncated) {
        fail(new SwitchyardError('invalid_input', `form field ${JSON.stringify(name)} is too long`, { field: name }));
        return;
      }
      fields[name] = value;
    });
    parser.on('filesLimit', () => fail(new SwitchyardError('invalid_input', 'send one file per upload', {})));
    parser.on('fieldsLimit', () => fail(new SwitchyardError('invalid_input', 'too many form fields', {})));
    parser.on('partsLimit', () => fail(new SwitchyardError('invalid_input', 'too many form parts', {})));
    parser.on('error', (error: Error) => fail(new SwitchyardError('invalid_input', `malformed multipart body: ${error.message}`, {})));
    parser.on('close', () => {
      if (settled) return;
      if (!staging) {
        const hint = otherFiles.length > 0 ? ` (a file came in field ${JSON.stringify(otherFiles[0])})` : '';
        fail(new SwitchyardError('invalid_input', `no file in form field ${JSON.stringify(options.fileField)}${hint}`, { field: options.fileField }));
        return;
      }
      staging.then((staged) => {
        if (settled) {
          void staged.dispose();
          return;
        }
        settled = true;
        resolve({ staged, clientName, fields });
      }, fail);
    });
    req.on('error', (error) => fail(new SwitchyardError('invalid_input', `the upload was cut off: ${error.message}`, {})));
    req.on('aborted', () => fail(new SwitchyardError('invalid_input', 'the upload was aborted by the client', {})));
    req.pipe(parser);
  });
}

/**
 * Decodes an inline upload (plain base64 or a data URI) and stages it. Checks, in order: the
 * data URI's form, the base64 (first bad character and position, or the padding), the decoded
 * size against `limit`.
 */
export async function stageInline(data: string, stagingDir: string, limit: number): Promise<{ staged: StagedFile; declaredMime: string }> {
  const { text, offset, declaredMime } = inlineData(data);
  const size = checkBase64(text, offset);
  if (size > limit) throw tooLarge(limit, size);
  const bytes = Buffer.from(text, 'base64');
  return { staged: await stageChunks([bytes], stagingDir, limit), declaredMime };
}

export interface StoreOptions {
  /** The data folder it goes into, and its name as clients know it. */
  root: string;
  type: FolderType;
  /** Relative subfolder ("" for none), as the client gave it. */
  subfolder: string;
  overwrite: boolean;
  clientName?: string;
  /** A declared type (data URI) that must agree with the content. */
  declaredMime?: string;
}

/** Sniffs the staged bytes: 415 for formats we do not take, 400 when a declared type contradicts them. */
export function checkUploadType(staged: StagedFile, declaredMime: string | undefined): SniffedMedia {
  const format = sniffFormat(staged.head);
  if (format === undefined || !UPLOAD_FORMATS.has(format)) {
    const what = format === undefined ? 'an unknown format' : mediaOf(format).mime;
    throw new SwitchyardError('unsupported_media_type', `the uploaded content is ${what} (judged by its bytes); accepted: PNG, JPEG, WebP, GIF, TIFF, AVIF images, WAV, MP3, Ogg, FLAC audio, MP4, WebM video`, { sniffed: format ?? null });
  }
  const media = mediaOf(format);
  if (declaredMime !== undefined && !declaredTypeAgrees(declaredMime, media)) {
    throw new SwitchyardError('invalid_input', `the data URI declares ${JSON.stringify(declaredMime)} but the content is ${media.mime}`, { declared: declaredMime, sniffed: media.mime });
  }
  return media;
}

/** Decodes the whole image (not just its header), answering its displayed size; `invalid_image` when it cannot be decoded. */
export async function verifyImage(path: string, media: SniffedMedia): Promise<{ width: number; height: number }> {
  try {
    const image = sharp(path, { failOn: 'error' });
    const metadata = await image.metadata();
    await image.stats();
    const rotated = (metadata.orientation ?? 1) >= 5;
    const width = metadata.width ?? 0;
    const height = metadata.height ?? 0;
    return rotated ? { width: height, height: width } : { width, height };
  } catch (error) {
    throw new SwitchyardError('invalid_image', `the uploaded ${media.mime} image cannot be decoded: ${(error as Error).message.trim()}`, { mime: media.mime }, { cause: error });
  }
}

function isLinkUnsupported(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EXDEV' || code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS';
}

/** Creates `dest` from the staged file only if no file of that name exists; false on a clash. */
async function placeExclusive(staged: string, dest: string): Promise<boolean> {
  try {
    await link(staged, dest);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    if (!isLinkUnsupported(error)) throw error;
  }
  try {
    await copyFile(staged, dest, constants.COPYFILE_EXCL);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Replaces `dest` (a file or a symlink, never followed) with the staged file. */
async function placeReplacing(staged: string, dest: string, shown: string): Promise<void> {
  const existing = await lstat(dest).catch(() => undefined);
  if (existing?.isDirectory()) throw new SwitchyardError('conflict', `${JSON.stringify(shown)} is a folder; it cannot be overwritten by a file`, { path: shown });
  try {
    await rename(staged, dest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    await copyFile(staged, dest);
  }
}

/**
 * Checks a staged upload and moves it into place: type by content, images decoded, the
 * subfolder made safely, a clean name free of clashes (or replaced with `overwrite`).
 */
export async function storeUpload(staged: StagedFile, options: StoreOptions): Promise<UploadResult> {
  const media = checkUploadType(staged, options.declaredMime);
  const segments = checkRelativePath(options.subfolder, 'subfolder', { allowEmpty: true });
  const stem = uploadStem(options.clientName);
  const extension = uploadExtension(options.clientName, media);
  const size = media.kind === 'image' ? await verifyImage(staged.path, media) : undefined;
  const dir = await ensureFolderInside(options.root, segments, options.subfolder);
  const subfolder = segments.join('/');
  let name: string | undefined;
  if (options.overwrite) {
    name = candidateName(stem, extension, 0);
    await placeReplacing(staged.path, join(dir, name), subfolder ? `${subfolder}/${name}` : name);
  } else {
    for (let attempt = 0; attempt < MAX_NAME_ATTEMPTS && name === undefined; attempt++) {
      const candidate = candidateName(stem, extension, attempt);
      if (await placeExclusive(staged.path, join(dir, candidate))) name = candidate;
    }
    if (name === undefined) throw new SwitchyardError('conflict', `no free name for ${JSON.stringify(stem + extension)} after ${MAX_NAME_ATTEMPTS} attempts`, { name: stem + extension });
  }
  return {
    name,
    subfolder,
    type: options.type,
    path: subfolder ? `${subfolder}/${name}` : name,
    size: staged.size,
    mime: media.mime,
    kind: media.kind,
    ...(size ? size : {}),
  };
}

/** Bytes of a JSON body carrying an upload of `limit` bytes as base64 (wrapped lines allowed), plus room for the other fields. */
export function jsonUploadLimit(limit: number): number {
  return Math.ceil(limit / 3) * 4 + Math.ceil(limit / 57) * 2 + 64 * 1024;
}

/** Whether a Content-Length already says the body cannot fit (`overhead` for multipart framing and fields). */
export function declaredTooLarge(req: Request, limit: number, overhead = 1024 * 1024): boolean {
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > limit + overhead;
}

