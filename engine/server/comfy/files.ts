/**
 * ComfyUI's file routes, at their ComfyUI paths and under `/api/`:
 * - `GET|HEAD /view?filename=&subfolder=&type=output|input|temp` — served by the same code as
 *   `/api/outputs` (same safety, ranges, sniffed type). A filename annotated the ComfyUI way
 *   ("x.png [input]") picks its folder. `preview=` (re-encoding) and `channel=` are ignored:
 *   the file is sent as stored.
 * - `POST /upload/image` — multipart `image`, `type` (input by default), `subfolder`,
 *   `overwrite`; answers ComfyUI's `{name, subfolder, type}`. Its editor uploads audio and
 *   video through this route too, so every format `POST /api/uploads` takes is accepted.
 * Failures answer in ComfyUI's error shape (comfy/errors.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { parseInput } from '../http/parse.js';
import { checkRelativePath } from '../files/safe-path.js';
import { sendSafeFile } from '../files/serve-file.js';
import { FlagSchema, FolderTypeSchema } from '../files/uploads.js';
import { uploadFromMultipart } from '../files/upload-request.js';
import { comfyErrorHandler } from './errors.js';

/** `/view`'s query. */
export const ViewQuerySchema = z.object({
  filename: z.string().min(1, 'filename is required'),
  subfolder: z.string().default(''),
  type: FolderTypeSchema.default('output'),
});

/** `/upload/image`'s form fields besides the image. */
export const UploadFieldsSchema = z.object({
  type: FolderTypeSchema.default('input'),
  subfolder: z.string().max(1024).default(''),
  overwrite: FlagSchema.default(false),
});

/** ComfyUI's answer to an upload. */
export const ComfyUploadResultSchema = z.object({ name: z.string(), subfolder: z.string(), type: FolderTypeSchema });

const ANNOTATION = /^(.*) \[(input|output|temp)\]$/;

/** Splits ComfyUI's "name.png [output]" annotation off a file name. */
function annotated(filename: string, type: z.infer<typeof FolderTypeSchema>): { filename: string; type: z.infer<typeof FolderTypeSchema> } {
  const match = ANNOTATION.exec(filename);
  return match ? { filename: match[1]!, type: match[2] as z.infer<typeof FolderTypeSchema> } : { filename, type };
}

function paths(path: string): string[] {
  return [path, `/api${path}`];
}

export function comfyFilesRoutes(ctx: ServerContext): Router {
  const router = Router();
  const { folders } = ctx.engine;

  router.get(paths('/view'), async (req, res) => {
    const query = parseInput(ViewQuerySchema, { filename: req.query.filename, subfolder: req.query.subfolder, type: req.query.type }, 'query');
    const { filename, type } = annotated(query.filename, query.type);
    // Each part is checked on its own first, so the message names the culprit.
    const subfolder = checkRelativePath(query.subfolder, 'subfolder', { allowEmpty: true });
    const name = checkRelativePath(filename, 'filename');
    await sendSafeFile(req, res, folders[type], [...subfolder, ...name].join('/'), { log: ctx.log, label: 'filename' });
  });

  router.post(paths('/upload/image'), async (req, res) => {
    const result = await uploadFromMultipart(req, { folders, limitBytes: ctx.config.uploadLimitBytes }, 'image', (fields) => parseInput(UploadFieldsSchema, fields, 'upload form fields'));
    ctx.nodesDocument.invalidate();
    res.status(200).json(ComfyUploadResultSchema.parse({ name: result.name, subfolder: result.subfolder, type: result.type }));
  });

  router.use(comfyErrorHandler(ctx.log));
  return router;
}
