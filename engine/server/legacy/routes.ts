/**
 * The older multi-model API's generation and status routes, as one route group: every entry of
 * the legacy route table (generate, caption, controlnet, video, talking head) plus the TTS and
 * ComfyUI status routes, the dashboard, downloads and the model routes. Request and answer
 * shapes: docs/legacy-api.md.
 */
import { Router } from 'express';
import type { ServerContext } from '../context.js';
import { buildLegacyRouter } from './router.js';
import { legacyStatusRoutes } from './status.js';
import { dashboardRoutes } from './dashboard.js';
import { downloadRoutes } from './download.js';
import { legacyModelRoutes } from './models.js';
import type { LegacyRoute } from './table.js';
import { GENERATE_ROUTES } from './routes-generate.js';
import { CAPTION_ROUTES } from './routes-caption.js';
import { CONTROLNET_ROUTES } from './routes-controlnet.js';
import { TALKING_HEAD_ROUTES, VIDEO_ROUTES } from './routes-video.js';

/** Every legacy generation endpoint, in the order the docs list them. */
export const LEGACY_ROUTES: readonly LegacyRoute[] = [...GENERATE_ROUTES, ...CAPTION_ROUTES, ...CONTROLNET_ROUTES, ...VIDEO_ROUTES, ...TALKING_HEAD_ROUTES];

export function legacyRoutes(ctx: ServerContext): Router {
  const router = Router();
  router.use(buildLegacyRouter(ctx, LEGACY_ROUTES));
  router.use(legacyStatusRoutes(ctx));
  router.use(dashboardRoutes(ctx));
  router.use(downloadRoutes(ctx));
  router.use(legacyModelRoutes(ctx));
  return router;
}
