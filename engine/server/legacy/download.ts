/**
 * The older API's `GET /api/download/<path>`: a file of the output folder as an attachment.
 * The path is taken raw from the request and resolved by the same safe resolver as
 * `/api/outputs/…`, so no encoding of "..", slashes, symlinks or null bytes reaches a file
 * outside the output folder (the older API once let such paths through).
 */
import { Router } from 'express';
import type { ServerContext } from '../context.js';
import { sendSafeFileFromUrl } from '../files/serve-file.js';

export const DOWNLOAD_PREFIX = '/api/download/';

export function downloadRoutes(ctx: ServerContext): Router {
  const router = Router();
  // A RegExp (no groups): the raw request target is what sendSafeFileFromUrl reads.
  router.get(/^\/api\/download\/.+/, async (req, res) => {
    await sendSafeFileFromUrl(req, res, ctx.engine.folders.output, DOWNLOAD_PREFIX, { download: true, label: 'path', log: ctx.log });
  });
  return router;
}
