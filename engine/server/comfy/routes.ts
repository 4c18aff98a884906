/**
 * ComfyUI's HTTP API, so its clients and scripts work unchanged. Every route is served at its
 * ComfyUI path and again under `/api/` (ComfyUI's editor calls `/api/prompt`, scripts call
 * `/prompt`). `/view` and `/upload/image` live in files.ts; the `/ws` socket in
 * ../live/comfy-ws.ts. Submissions are rate-limited like native ones; failures answer in
 * ComfyUI's error shape (see errors.ts). Mount this group before the native runs routes: it
 * shares `POST /api/interrupt` with them and passes on requests that are not ComfyUI's.
 */
import { Router } from 'express';
import type { ServerContext } from '../context.js';
import type { HotRoute } from '../http/hot-routes.js';
import { rateLimit } from '../security/rate-limit.js';
import { comfyErrorHandler } from './errors.js';
import { promptInfo, submitPrompt } from './prompt.js';
import { editHistory, editQueue, getHistory, getHistoryEntry, getQueue, interrupt } from './queue.js';
import { emptyList, features, freeMemory, objectInfoRoutes, systemStats } from './system.js';

/** A ComfyUI path and its `/api/` twin. */
export function comfyPaths(path: string): string[] {
  return [path, `/api${path}`];
}

function hasOwnKey(body: unknown, key: string): boolean {
  return typeof body === 'object' && body !== null && Object.hasOwn(body, key);
}

const PROMPT_PATHS = comfyPaths('/prompt');

/** `POST /prompt` (and `/api/prompt`) for the pre-router (hot-routes.ts): the same handlers and error shape as mounted below. */
export function comfyHotRoutes(ctx: ServerContext): HotRoute[] {
  return [{
    method: 'POST',
    routePath: PROMPT_PATHS,
    match: (path) => (PROMPT_PATHS.includes(path) ? {} : undefined),
    handlers: [rateLimit(ctx.submitLimiter), submitPrompt(ctx)],
    errorHandler: comfyErrorHandler(ctx.log),
  }];
}

export function comfyRoutes(ctx: ServerContext): Router {
  const router = Router();
  router.post(PROMPT_PATHS, rateLimit(ctx.submitLimiter), submitPrompt(ctx));
  router.get(comfyPaths('/prompt'), promptInfo(ctx));
  router.get(comfyPaths('/queue'), getQueue(ctx));
  router.post(comfyPaths('/queue'), editQueue(ctx));
  router.get(comfyPaths('/history'), getHistory(ctx));
  router.get(comfyPaths('/history/:id'), getHistoryEntry(ctx));
  router.post(comfyPaths('/history'), editHistory(ctx));
  // `/api/interrupt` is also the native route (body `{id}`): this one takes only ComfyUI's
  // `{prompt_id}` and lets anything else through to it (comfyRoutes is mounted before it).
  const interruptPrompt = interrupt(ctx);
  router.post('/interrupt', interruptPrompt);
  router.post('/api/interrupt', (req, res, next) => (hasOwnKey(req.body, 'prompt_id') ? interruptPrompt(req, res) : next()));
  const objectInfo = objectInfoRoutes(ctx);
  router.get(comfyPaths('/object_info'), objectInfo.all);
  router.get(comfyPaths('/object_info/:nodeClass'), objectInfo.one);
  router.get(comfyPaths('/system_stats'), systemStats(ctx));
  router.post(comfyPaths('/free'), freeMemory(ctx));
  router.get(comfyPaths('/embeddings'), emptyList);
  router.get(comfyPaths('/extensions'), emptyList);
  router.get(comfyPaths('/features'), features(ctx));
  router.use(comfyErrorHandler(ctx.log));
  return router;
}
