/**
 * The older API's dashboard routes, answering in its `{success: true, ...}` style over the same
 * functions as the native operations routes (one source of truth for every figure):
 *
 * - `GET /api/dashboard/status` → health in brief: version, uptime, queue, CPU/GPU/memory,
 *   execution providers, models, packs.
 * - `GET /api/dashboard/results?limit=&offset=` → finished runs, newest first, each with its
 *   output files (a `url` to view and, for files of the output folder, a `download_url`).
 * - `GET /api/dashboard/metrics` → the metrics snapshot of `GET /api/metrics`.
 * - `GET /api/dashboard/logs?level=&limit=&since=&q=` and `POST /api/dashboard/logs/clear`.
 * - `GET /api/dashboard/settings` and `POST /api/dashboard/settings` (a partial update,
 *   validated exactly as `PUT /api/settings`; 400 naming the bad key).
 */
import { Router } from 'express';
import { z } from 'zod';
import { SettingsPatchSchema } from '../../store/settings-store.js';
import { FINISHED_STATUSES } from '../../queue/types.js';
import type { ServerContext } from '../context.js';
import { parseInput } from '../http/parse.js';
import { HealthReportSchema, healthReport } from '../ops/health.js';
import { modelsReport } from '../ops/models.js';
import { MetricsSnapshotSchema, metricsSnapshot } from '../ops/metrics.js';
import { LogsPageSchema, clearLogs, logsQuery } from '../ops/logs.js';
import { SettingsViewSchema, settingsView, updateSettings } from '../ops/settings.js';
import { RunSummarySchema, toRunSummary, type RunSummary } from '../api/runs-schemas.js';
import { DOWNLOAD_PREFIX } from './download.js';

export const DashboardStatusSchema = z.object({
  success: z.literal(true),
  status: HealthReportSchema.shape.status,
  problems: z.array(z.string()),
  version: z.string(),
  uptime_seconds: z.number(),
  started_at: z.string(),
  node: z.string(),
  queue: z.object({ running: z.number(), pending: z.number(), finished: z.number() }),
  system: z.object({ cpu: HealthReportSchema.shape.cpu, gpu: HealthReportSchema.shape.gpu, memory: HealthReportSchema.shape.memory }),
  execution_providers: z.array(z.string()),
  models: z.object({ manager: z.string(), available: z.number(), loaded: z.array(z.string()) }),
  packs: HealthReportSchema.shape.packs,
  cache: HealthReportSchema.shape.cache,
});

export const DashboardFileSchema = z.object({
  node_id: z.string(),
  kind: z.enum(['image', 'video', 'audio']),
  filename: z.string(),
  subfolder: z.string(),
  type: z.enum(['output', 'input', 'temp']),
  url: z.string(),
  download_url: z.string().nullable().describe('`/api/download/<path>` for files of the output folder'),
});

export const DashboardResultSchema = RunSummarySchema.pick({ id: true, number: true, status: true, submitted_at: true, started_at: true, finished_at: true, duration_ms: true }).extend({
  files: z.array(DashboardFileSchema),
  text: z.array(z.string()).describe('Text outputs (e.g. captions)'),
  error: z.string().nullable().describe('The first error message of a failed run'),
});

export const DashboardResultsSchema = z.object({ success: z.literal(true), results: z.array(DashboardResultSchema), total: z.number(), limit: z.number(), offset: z.number() });
export const DashboardResultsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});
export const DashboardMetricsSchema = z.object({ success: z.literal(true), metrics: MetricsSnapshotSchema });
export const DashboardLogsSchema = LogsPageSchema.extend({ success: z.literal(true) });
export const DashboardLogsClearedSchema = z.object({ success: z.literal(true), cleared: z.number() });
export const DashboardSettingsSchema = z.object({ success: z.literal(true), settings: SettingsViewSchema });

const KINDS = [['images', 'image'], ['videos', 'video'], ['audio', 'audio']] as const;

function downloadUrl(subfolder: string, filename: string): string {
  const path = [...subfolder.split('/').filter(Boolean), filename].map(encodeURIComponent).join('/');
  return `${DOWNLOAD_PREFIX}${path}`;
}

export function dashboardResult(run: RunSummary): z.infer<typeof DashboardResultSchema> {
  const files: z.infer<typeof DashboardFileSchema>[] = [];
  const text: string[] = [];
  for (const [nodeId, ui] of Object.entries(run.outputs)) {
    for (const [key, kind] of KINDS) {
      for (const file of ui[key] ?? []) {
        files.push({
          node_id: nodeId, kind, filename: file.filename, subfolder: file.subfolder, type: file.type, url: file.url,
          download_url: file.type === 'output' ? downloadUrl(file.subfolder, file.filename) : null,
        });
      }
    }
    text.push(...(ui.text ?? []));
  }
  return {
    id: run.id, number: run.number, status: run.status, submitted_at: run.submitted_at, started_at: run.started_at,
    finished_at: run.finished_at, duration_ms: run.duration_ms, files, text, error: run.errors[0]?.message ?? null,
  };
}

export function dashboardRoutes(ctx: ServerContext): Router {
  const router = Router();
  const noStore = { 'Cache-Control': 'no-store' };

  router.get('/api/dashboard/status', async (_req, res) => {
    const [health, models] = await Promise.all([healthReport(ctx), modelsReport(ctx)]);
    const body: z.infer<typeof DashboardStatusSchema> = {
      success: true,
      status: health.status,
      problems: health.problems,
      version: health.version,
      uptime_seconds: health.uptimeSeconds,
      started_at: health.startedAt,
      node: health.node,
      queue: { running: health.queue.running, pending: health.queue.queued, finished: health.queue.finished },
      system: { cpu: health.cpu, gpu: health.gpu, memory: health.memory },
      execution_providers: health.onnxruntime.available,
      models: { manager: models.manager, available: models.available.length, loaded: [] },
      packs: health.packs,
      cache: health.cache,
    };
    res.set(noStore).json(body);
  });

  router.get('/api/dashboard/results', async (req, res) => {
    const query = parseInput(DashboardResultsQuerySchema, req.query, 'query');
    const page = await ctx.queue.list({ status: [...FINISHED_STATUSES], limit: query.limit, offset: query.offset });
    const body: z.infer<typeof DashboardResultsSchema> = {
      success: true,
      results: page.items.map((record) => dashboardResult(toRunSummary(record))),
      total: page.total,
      limit: query.limit,
      offset: query.offset,
    };
    res.set(noStore).json(body);
  });

  router.get('/api/dashboard/metrics', async (_req, res) => {
    res.set(noStore).json({ success: true, metrics: await metricsSnapshot(ctx) });
  });

  router.get('/api/dashboard/logs', (req, res) => {
    res.set(noStore).json({ success: true, ...logsQuery(ctx, req.query) });
  });
  router.post('/api/dashboard/logs/clear', (_req, res) => {
    res.json({ success: true, ...clearLogs(ctx) });
  });

  router.get('/api/dashboard/settings', (_req, res) => {
    res.set(noStore).json({ success: true, settings: settingsView(ctx) });
  });
  router.post('/api/dashboard/settings', async (req, res) => {
    // Exactly PUT /api/settings' path: the same schema and function (a missing body is a 400 there too).
    const settings = await updateSettings(ctx, parseInput(SettingsPatchSchema, req.body, 'body'));
    res.json({ success: true, settings });
  });

  return router;
}
