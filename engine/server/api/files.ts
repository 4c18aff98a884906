/**
 * Files over the native API:
 * - `GET|HEAD /api/outputs/<path>` — a file of the output folder (type sniffed, ETag, ranges
 *   for seeking, `?download=1` for an attachment); `GET /api/inputs/<path>` the same for the
 *   input folder (the editor shows uploaded images). Nothing outside those folders, ever: the
 *   path is taken raw from the request and goes through the safe resolver.
 * - `GET /api/outputs` — recent output files, newest first (`?limit=&offset=`).
 * - `POST /api/uploads` — multipart (`file`, `subfolder`, `overwrite`) or JSON
 *   `{filename?, data, subfolder?, overwrite?}` (base64 or data URI) into the input folder;
 *   201 with the stored name. The route parses its own JSON with a limit sized for base64 of
 *   `uploadLimitBytes` (`parsesItsOwnBody` tells app.ts to let it).
 */
import { Router, type Request } from 'express';
import { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import type { ServerContext } from '../context.js';
import { parseInput } from '../http/parse.js';
import { sendSafeFileFromUrl } from '../files/serve-file.js';
import { listRecentFiles, ListQuerySchema } from '../files/listing.js';
import { FlagSchema, UploadResultSchema } from '../files/uploads.js';
import { isJson, isMultipart, uploadFromJson, uploadFromMultipart, uploadJsonParser } from '../files/upload-request.js';

export const UPLOADS_PATH = '/api/uploads';

/** Routes that read their request body themselves: the global JSON parser must leave them alone. */
export function parsesItsOwnBody(path: string): boolean {
  return path === UPLOADS_PATH || path === `${UPLOADS_PATH}/`;
}

/** `?download=1`: answer the file as an attachment. */
export const ServeQuerySchema = z.object({ download: FlagSchema.optional() });

/** Form fields of a multipart upload besides the file. */
export const UploadFieldsSchema = z.object({
  subfolder: z.string().max(1024).default(''),
  overwrite: FlagSchema.default(false),
  type: z.literal('input').default('input'),
});

/**
 * A route for every path below `prefix`. A RegExp without groups rather than `{*rest}`: the
 * router would percent-decode a wildcard parameter itself (and answer a generic 400 for
 * overlong UTF-8), while the safe resolver must see the raw path and decode it exactly once.
 */
function below(prefix: string): RegExp {
  return new RegExp(`^${prefix.replace(/[/.]/g, '\\$&')}.`);
}

function wantsDownload(req: Request): boolean {
  const { download } = parseInput(ServeQuerySchema, { download: req.query.download }, 'query');
  return download === true;
}

export function filesRoutes(ctx: ServerContext): Router {
  const router = Router();
  const { folders } = ctx.engine;
  const settings = { folders, limitBytes: ctx.config.uploadLimitBytes };

  router.get(['/api/outputs', '/api/outputs/'], async (req, res) => {
    const page = parseInput(ListQuerySchema, { limit: req.query.limit, offset: req.query.offset }, 'query');
    res.json(await listRecentFiles(folders.output, page, '/api/outputs/'));
  });
  router.get(below('/api/outputs/'), async (req, res) => {
    await sendSafeFileFromUrl(req, res, folders.output, '/api/outputs/', { download: wantsDownload(req), log: ctx.log });
  });
  router.get(below('/api/inputs/'), async (req, res) => {
    await sendSafeFileFromUrl(req, res, folders.input, '/api/inputs/', { download: wantsDownload(req), log: ctx.log });
  });

  router.post(UPLOADS_PATH, uploadJsonParser(settings.limitBytes), async (req, res) => {
    let result;
    if (isMultipart(req)) {
      result = await uploadFromMultipart(req, settings, 'file', (fields) => parseInput(UploadFieldsSchema, fields, 'upload form fields'));
    } else if (isJson(req)) {
      result = await uploadFromJson(req.body, settings);
    } else {
      throw new SwitchyardError('unsupported_media_type', 'send the file as multipart/form-data (field "file") or as JSON {"data": "<base64 or data URI>"}', { contentType: req.headers['content-type'] ?? null });
    }
    ctx.nodesDocument.invalidate();
    res.status(201).json(UploadResultSchema.parse(result));
  });
  return router;
}
