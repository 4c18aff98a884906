/**
 * The older API's model routes over the native model operations:
 *
 * - `GET /models` → `{success, models: [{id, name, kind, size_bytes, files, loaded}], loaded,
 *   manager, message}` from the same report as `GET /api/models`.
 * - `POST /api/unload/:model` and `POST /api/unload-all` behave exactly as
 *   `POST /api/models/:id/unload` and `/api/models/unload-all` (a bad model name is a 400, a
 *   model not loaded a 404), answering `{success: true, ...}` in the older style.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { ServerContext } from '../context.js';
import { parseInput } from '../http/parse.js';
import { ModelIdSchema, modelsReport, unloadAllModels, unloadModel } from '../ops/models.js';

export const LegacyModelsSchema = z.object({
  success: z.literal(true),
  models: z.array(z.object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(['file', 'folder']),
    size_bytes: z.number(),
    files: z.number(),
    loaded: z.boolean(),
  })),
  loaded: z.array(z.string()),
  manager: z.string(),
  message: z.string(),
});

export function legacyModelRoutes(ctx: ServerContext): Router {
  const router = Router();

  router.get('/models', async (_req, res) => {
    const report = await modelsReport(ctx);
    const body: z.infer<typeof LegacyModelsSchema> = {
      success: true,
      models: report.available.map((model) => ({ id: model.id, name: model.id, kind: model.kind, size_bytes: model.bytes, files: model.files, loaded: report.loaded.some((l) => l.id === model.id) })),
      loaded: report.loaded.map((l) => l.id),
      manager: report.manager,
      message: report.message,
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  router.post('/api/unload-all', async (_req, res) => {
    res.json({ success: true, ...(await unloadAllModels(ctx)) });
  });
  router.post('/api/unload/:model', async (req, res) => {
    const { model } = parseInput(z.object({ model: ModelIdSchema }), req.params, 'path');
    const result = await unloadModel(ctx, model);
    res.status(result.outcome === 'pending' ? 202 : 200).json({ success: true, model, ...result });
  });

  return router;
}
