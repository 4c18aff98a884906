/**
 * `GET /openapi.json` (the generated OpenAPI 3.1 document, ETag + gzip/br), `GET /api/docs`
 * (the readable reference page rendered from it) and `GET /` (the landing page, until an
 * editor build takes `/` over: see landing-page.ts).
 */
import { Router } from 'express';
import type { ServerContext } from '../context.js';
import { cachedDocument } from '../http/cached-document.js';
import { openApiDocument } from './document.js';
import { referencePage } from './reference-page.js';
import { editorBuildPresent, landingPage } from './landing-page.js';

export function referenceRoutes(_ctx: ServerContext): Router {
  const router = Router();
  // Static for the life of the process: built on first use, never rebuilt.
  const document = cachedDocument(async () => openApiDocument(), Number.POSITIVE_INFINITY);
  let page: string | undefined;
  let landing: string | undefined;
  const hasEditor = editorBuildPresent();
  router.get('/openapi.json', (req, res) => document.send(req, res));
  router.get('/api/docs', (_req, res) => {
    page ??= referencePage(openApiDocument());
    res.type('html').set('Cache-Control', 'no-cache').send(page);
  });
  router.get('/', (_req, res, next) => {
    if (hasEditor) return next();
    landing ??= landingPage();
    res.type('html').set('Cache-Control', 'no-cache').send(landing);
  });
  return router;
}
