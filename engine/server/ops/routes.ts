/**
 * The operations routes: `GET /api/health`, `GET /api/models`, `POST /api/models/:id/unload`,
 * `POST /api/models/unload-all`, `GET /api/metrics` (JSON), `GET /metrics` (Prometheus text),
 * `GET|DELETE /api/logs`, `GET|PUT|PATCH /api/settings`. Each is a thin shell over a function
 * that works without express (healthReport, modelsReport, metricsSnapshot, logsQuery,
 * settingsView/updateSettings), which the legacy dashboard routes wrap too.
 *
 * Settings: PUT and PATCH both take any subset of the keys, merged into what is stored (`null`
 * returns a key to its default); an unknown key or a bad value is a 400 naming its path.
 */
import { Router } from 'express';
import { SettingsPatchSchema } from '../../store/settings-store.js';
import { PROMETHEUS_CONTENT_TYPE } from '../../metrics/prometheus.js';
import { parseInput } from '../http/parse.js';
import type { ServerContext } from '../context.js';
import { healthReport } from './health.js';
import { ModelIdParamsSchema, modelsReport, unloadAllModels, unloadModel } from './models.js';
import { metricsSnapshot, prometheusText } from './metrics.js';
import { clearLogs, logsQuery } from './logs.js';
import { settingsView, updateSettings } from './settings.js';

export function opsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const noStore = { 'Cache-Control': 'no-store' };

  router.get('/api/health', async (_req, res) => {
    res.set(noStore).json(await healthReport(ctx));
  });

  router.get('/api/models', async (_req, res) => {
    res.set(noStore).json(await modelsReport(ctx));
  });
  router.post('/api/models/unload-all', async (_req, res) => {
    res.json(await unloadAllModels(ctx));
  });
  router.post('/api/models/:id/unload', async (req, res) => {
    const { id } = parseInput(ModelIdParamsSchema, req.params, 'path');
    const result = await unloadModel(ctx, id);
    res.status(result.outcome === 'pending' ? 202 : 200).json(result);
  });

  router.get('/api/metrics', async (_req, res) => {
    res.set(noStore).json(await metricsSnapshot(ctx));
  });
  router.get('/metrics', async (_req, res) => {
    const text = await prometheusText(ctx);
    res.set(noStore).type(PROMETHEUS_CONTENT_TYPE).send(text);
  });

  router.get('/api/logs', (req, res) => {
    res.set(noStore).json(logsQuery(ctx, req.query));
  });
  router.delete('/api/logs', (_req, res) => {
    res.json(clearLogs(ctx));
  });

  router.get('/api/settings', (_req, res) => {
    res.set(noStore).json(settingsView(ctx));
  });
  const change = async (body: unknown) => updateSettings(ctx, parseInput(SettingsPatchSchema, body, 'body'));
  router.put('/api/settings', async (req, res) => {
    res.json(await change(req.body));
  });
  router.patch('/api/settings', async (req, res) => {
    res.json(await change(req.body));
  });
  return router;
}
