/**
 * One upload request from start to answer, shared by `POST /api/uploads` and ComfyUI's
 * `POST /upload/image`: refuse a body whose declared length cannot fit, receive (multipart
 * streamed, or an already parsed JSON body), store, and always remove the staged file. Route
 * files only choose the field names and shapes.
 */
import type { Request, RequestHandler } from 'express';
import express from 'express';
import { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import { parseInput } from '../http/parse.js';
import {
  declaredTooLarge,
  discardBody,
  FlagSchema,
  jsonUploadLimit,
  receiveMultipart,
  stageInline,
  stagingFolder,
  storeUpload,
  tooLarge,
  type FolderType,
  type StagedFile,
  type UploadResult,
} from './uploads.js';

export interface UploadFolders {
  input: string;
  output: string;
  temp: string;
}

export interface UploadSettings {
  folders: UploadFolders;
  limitBytes: number;
}

/** Where the upload goes, read from the form fields or the JSON body. */
export interface UploadPlacement {
  type: FolderType;
  subfolder: string;
  overwrite: boolean;
}

/** `POST /api/uploads` as JSON: the file inline. */
export const JsonUploadSchema = z.object({
  /** A name to store it under (cleaned; the extension follows the content). */
  filename: z.string().max(1024).optional(),
  /** Base64, or a data URI (`data:image/png;base64,...`) whose type must match the content. */
  data: z.string().min(1, 'data must hold base64 or a data URI'),
  subfolder: z.string().max(1024).default(''),
  overwrite: FlagSchema.default(false),
  type: z.literal('input').default('input'),
}).strict();

async function storeAndDispose(staged: StagedFile, settings: UploadSettings, placement: UploadPlacement, extra: { clientName?: string; declaredMime?: string }): Promise<UploadResult> {
  try {
    return await storeUpload(staged, { root: settings.folders[placement.type], type: placement.type, subfolder: placement.subfolder, overwrite: placement.overwrite, ...extra });
  } finally {
    await staged.dispose();
  }
}

export function isMultipart(req: Request): boolean {
  return /^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '');
}

export function isJson(req: Request): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(req.headers['content-type'] ?? '');
}

/** A multipart upload: the file in `fileField`, placement from the other fields via `placement`. */
export async function uploadFromMultipart(req: Request, settings: UploadSettings, fileField: string, placement: (fields: Record<string, string>) => UploadPlacement): Promise<UploadResult> {
  if (declaredTooLarge(req, settings.limitBytes)) {
    // Answer at once; read a little so the answer can be delivered, then drop the connection.
    req.res?.setHeader('Connection', 'close');
    discardBody(req, 1024 * 1024);
    throw tooLarge(settings.limitBytes, Number(req.headers['content-length']));
  }
  const received = await receiveMultipart(req, { fileField, limitBytes: settings.limitBytes, stagingDir: stagingFolder(settings.folders.temp) });
  let where: UploadPlacement;
  try {
    where = placement(received.fields);
  } catch (error) {
    await received.staged.dispose();
    throw error;
  }
  return storeAndDispose(received.staged, settings, where, { clientName: received.clientName });
}

/** A JSON upload (body already parsed by `uploadJsonParser`). */
export async function uploadFromJson(body: unknown, settings: UploadSettings): Promise<UploadResult> {
  const upload = parseInput(JsonUploadSchema, body, 'upload');
  const { staged, declaredMime } = await stageInline(upload.data, stagingFolder(settings.folders.temp), settings.limitBytes);
  return storeAndDispose(staged, settings, { type: 'input', subfolder: upload.subfolder, overwrite: upload.overwrite }, { clientName: upload.filename, declaredMime });
}

/**
 * The JSON body parser of an upload route, sized for a base64 file of `limitBytes` (the global
 * parser skips upload routes, see `parsesItsOwnBody`); too large a body is reported against
 * the upload limit.
 */
export function uploadJsonParser(limitBytes: number): RequestHandler {
  const jsonLimit = jsonUploadLimit(limitBytes);
  const parse = express.json({ limit: jsonLimit, strict: true, type: ['application/json', 'application/*+json'] });
  return (req, res, next) => {
    parse(req, res, (error?: unknown) => {
      if ((error as { type?: string } | undefined)?.type === 'entity.too.large') {
        next(new SwitchyardError('payload_too_large', `upload is larger than the limit of ${limitBytes} bytes (${jsonLimit} bytes as base64 JSON)`, { limit: limitBytes, jsonLimit }));
        return;
      }
      next(error);
    });
  };
}
