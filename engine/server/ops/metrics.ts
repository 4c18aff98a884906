/**
 * The server's metrics: runs by status and their durations, node durations by node type, node
 * errors, queue depth, output cache hits/misses/evictions/bytes, model loads and evictions (the
 * model manager reports them through `models`), process memory and uptime, and HTTP requests
 * by route pattern. Counters follow the queue's events as they happen; gauges are read from
 * their sources at collection time. Every 5 s a sample of the main figures goes into a small
 * rolling series (the last 60 by default) for the dashboard's charts. `metricsSnapshot` is the
 * JSON shape of `GET /api/metrics`; `prometheusText` the body of `GET /metrics`.
 */
import { z } from 'zod';
import type { Logger } from '../../nodes/context.js';
import type { RunQueue } from '../../queue/types.js';
import type { CacheStats } from '../../cache/output-cache.js';
import { MetricsRegistry } from '../../metrics/registry.js';
import { writePrometheus } from '../../metrics/prometheus.js';
import { rollingSeries } from '../../metrics/series.js';
import { ENGINE_VERSION } from '../../version.js';
import type { ServerContext } from '../context.js';

export const RUN_STATUS_LABELS = ['success', 'error', 'interrupted', 'cancelled'] as const;
export const MODEL_EVICTION_REASONS = ['memory', 'count', 'idle', 'request'] as const;
export type ModelEvictionReason = (typeof MODEL_EVICTION_REASONS)[number];

/** Seconds: from quick image ops to minutes-long diffusion or video nodes. */
const NODE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
const RUN_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800];
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What the model manager calls when it loads or drops a model (counters stay at 0 until it exists). */
export interface ModelMetrics {
  loaded(): void;
  evicted(reason: ModelEvictionReason): void;
  /** Models held now and the memory they take. */
  resident(count: number, bytes: number): void;
}

export const SeriesSampleSchema = z.object({
  /** Epoch ms. */
  at: z.number(),
  /** Runs that finished since the previous sample, any status. */
  runsFinished: z.number(),
  /** Of them, with status `error`. */
  runsFailed: z.number(),
  /** Nodes executed (not cached) since the previous sample. */
  nodesExecuted: z.number(),
  /** Their summed time, ms. */
  nodeMs: z.number(),
  /** Cache hits / (hits + misses) since the previous sample; null when there was no lookup. */
  cacheHitRate: z.number().nullable(),
  queued: z.number(),
  running: z.number(),
  rssBytes: z.number(),
  heapUsedBytes: z.number(),
});
export type SeriesSample = z.infer<typeof SeriesSampleSchema>;

const CountsByStatus = z.object({ success: z.number(), error: z.number(), interrupted: z.number(), cancelled: z.number() });

/** `GET /api/metrics`. */
export const MetricsSnapshotSchema = z.object({
  at: z.number(),
  uptimeSeconds: z.number(),
  version: z.string(),
  runs: z.object({
    /** Accepted into the queue since start. */
    submitted: z.number(),
    /** Finished since start, by status. */
    finished: CountsByStatus,
    /** Start-to-finish time of runs that started. */
    duration: z.object({ count: z.number(), totalMs: z.number(), meanMs: z.number().nullable() }),
  }),
  queue: z.object({ queued: z.number(), running: z.number() }),
  nodes: z.object({
    executed: z.number(),
    totalMs: z.number(),
    /** Per node type, most total time first. */
    byType: z.array(z.object({ type: z.string(), count: z.number(), totalMs: z.number(), meanMs: z.number() })),
    errors: z.array(z.object({ type: z.string(), code: z.string(), count: z.number() })),
  }),
  cache: z.object({
    hits: z.number(),
    misses: z.number(),
    evictions: z.number(),
    entries: z.number(),
    bytes: z.number(),
    maxBytes: z.number(),
    /** hits / (hits + misses) since start; null before the first lookup. */
    hitRate: z.number().nullable(),
  }),
  models: z.object({
    loads: z.number(),
    evictions: z.object({ memory: z.number(), count: z.number(), idle: z.number(), request: z.number() }),
    loaded: z.number(),
    bytes: z.number(),
  }),
  memory: z.object({ rssBytes: z.number(), heapUsedBytes: z.number(), heapTotalBytes: z.number(), externalBytes: z.number() }),
  http: z.object({
    requests: z.number(),
    /** By method, route pattern (`(unmatched)` when no route matched) and status. */
    byRoute: z.array(z.object({ method: z.string(), route: z.string(), status: z.number(), count: z.number() })),
  }),
  series: z.object({ intervalMs: z.number(), capacity: z.number(), samples: z.array(SeriesSampleSchema) }),
});
export type MetricsSnapshot = z.infer<typeof MetricsSnapshotSchema>;

export interface ServerMetrics {
  readonly registry: MetricsRegistry;
  /** For the model manager. */
  readonly models: ModelMetrics;
  /** One HTTP request, by its route pattern (never the raw URL). */
  observeHttp(method: string, route: string, status: number, seconds: number): void;
  /** Takes one series sample now (the timer does this every `sampleIntervalMs`). */
  sample(): Promise<void>;
  snapshot(): Promise<MetricsSnapshot>;
  prometheus(): Promise<string>;
  /** Stops the sampler and the queue listeners. */
  dispose(): void;
}

export interface ServerMetricsOptions {
  queue: RunQueue;
  cacheStats: () => CacheStats;
  startedAt: number;
  log: Logger;
  /** Default 5,000. */
  sampleIntervalMs?: number;
  /** Samples kept (default 60: five minutes at the default interval). */
  seriesLength?: number;
}

const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const { queue, cacheStats, startedAt, log } = options;
  const intervalMs = options.sampleIntervalMs ?? 5000;
  const registry = new MetricsRegistry();

  const info = registry.gauge({ name: 'switchyard_info', help: 'Always 1; the labels say which Switchyard and Node.js are running.', labelNames: ['version', 'node'] });
  info.set(1, { version: ENGINE_VERSION, node: process.version });
  const uptime = registry.gauge({ name: 'switchyard_uptime_seconds', help: 'Seconds since the server started.' });
  const submitted = registry.counter({ name: 'switchyard_runs_submitted_total', help: 'Runs accepted into the queue.' });
  const runs = registry.counter({ name: 'switchyard_runs_total', help: 'Runs that finished, by final status.', labelNames: ['status'] });
  for (const status of RUN_STATUS_LABELS) runs.touch({ status });
  const runDuration = registry.histogram({ name: 'switchyard_run_duration_seconds', help: 'Time from a run starting to its end.', buckets: RUN_BUCKETS });
  const queueDepth = registry.gauge({ name: 'switchyard_queue_runs', help: 'Runs in the queue now, by state.', labelNames: ['state'] });
  const nodeDuration = registry.histogram({ name: 'switchyard_node_duration_seconds', help: 'Time a node took to execute (cached results are not counted), by node type.', labelNames: ['node_type'], buckets: NODE_BUCKETS });
  const nodeErrors = registry.counter({ name: 'switchyard_node_errors_total', help: 'Nodes that failed, by node type and error code.', labelNames: ['node_type', 'code'] });
  const cacheHits = registry.counter({ name: 'switchyard_cache_hits_total', help: 'Output cache lookups that found a result.' });
  const cacheMisses = registry.counter({ name: 'switchyard_cache_misses_total', help: 'Output cache lookups that found nothing.' });
  const cacheEvictions = registry.counter({ name: 'switchyard_cache_evictions_total', help: 'Output cache entries dropped to stay within the byte budget.' });
  const cacheBytes = registry.gauge({ name: 'switchyard_cache_bytes', help: 'Estimated bytes held by the output cache.' });
  const cacheMaxBytes = registry.gauge({ name: 'switchyard_cache_max_bytes', help: 'Byte budget of the output cache.' });
  const cacheEntries = registry.gauge({ name: 'switchyard_cache_entries', help: 'Entries in the output cache.' });
  const modelLoads = registry.counter({ name: 'switchyard_model_loads_total', help: 'Models loaded by the model manager.' });
  const modelEvictions = registry.counter({ name: 'switchyard_model_evictions_total', help: 'Models unloaded, by reason (memory budget, count limit, idle, request).', labelNames: ['reason'] });
  for (const reason of MODEL_EVICTION_REASONS) modelEvictions.touch({ reason });
  const modelsLoaded = registry.gauge({ name: 'switchyard_models_loaded', help: 'Models loaded now.' });
  const modelBytes = registry.gauge({ name: 'switchyard_models_memory_bytes', help: 'Memory taken by loaded models.' });
  const memory = registry.gauge({ name: 'switchyard_process_memory_bytes', help: 'Memory of the server process, by kind (rss, heap_used, heap_total, external).', labelNames: ['kind'] });
  const cpu = registry.counter({ name: 'switchyard_process_cpu_seconds_total', help: 'CPU time used by the server process (user + system).' });
  const httpRequests = registry.counter({ name: 'switchyard_http_requests_total', help: 'HTTP requests answered, by method, route pattern and status.', labelNames: ['method', 'route', 'status'] });
  const httpDuration = registry.histogram({ name: 'switchyard_http_request_duration_seconds', help: 'Time to answer an HTTP request, by method and route pattern.', labelNames: ['method', 'route'], buckets: HTTP_BUCKETS });

  // The cache keeps its own counters; ours mirror them (they only ever grow, so the difference is added).
  let cpuSeen = 0;
  const readSources = async (): Promise<{ queued: number; running: number }> => {
    uptime.set((Date.now() - startedAt) / 1000);
    const stats = cacheStats();
    cacheHits.inc(undefined, Math.max(0, stats.hits - cacheHits.get()));
    cacheMisses.inc(undefined, Math.max(0, stats.misses - cacheMisses.get()));
    cacheEvictions.inc(undefined, Math.max(0, stats.evictions - cacheEvictions.get()));
    cacheBytes.set(stats.bytes);
    cacheMaxBytes.set(stats.maxBytes);
    cacheEntries.set(stats.entries);
    const usage = process.memoryUsage();
    memory.set(usage.rss, { kind: 'rss' });
    memory.set(usage.heapUsed, { kind: 'heap_used' });
    memory.set(usage.heapTotal, { kind: 'heap_total' });
    memory.set(usage.external, { kind: 'external' });
    const cpuUsage = process.cpuUsage();
    const cpuSeconds = (cpuUsage.user + cpuUsage.system) / 1e6;
    cpu.inc(undefined, Math.max(0, cpuSeconds - cpuSeen));
    cpuSeen = Math.max(cpuSeen, cpuSeconds);
    const counts = await queue.counts();
    queueDepth.set(counts.queued, { state: 'queued' });
    queueDepth.set(counts.running, { state: 'running' });
    return { queued: counts.queued, running: counts.running };
  };
  registry.onCollect(async () => {
    await readSources();
  });

  const unsubscribe = [
    queue.on('queued', () => submitted.inc()),
    queue.on('finished', (record) => {
      runs.inc({ status: record.status });
      if (record.startedAt !== undefined && record.finishedAt !== undefined) runDuration.observe(Math.max(0, record.finishedAt - record.startedAt) / 1000);
    }),
    queue.on('run', (event) => {
      if (event.type === 'node_output' && !event.cached) nodeDuration.observe(event.durationMs / 1000, { node_type: event.nodeType });
      else if (event.type === 'node_error') nodeErrors.inc({ node_type: event.nodeType, code: event.code });
    }),
  ];

  const totalFinished = () => RUN_STATUS_LABELS.reduce((sum, status) => sum + runs.get({ status }), 0);
  const nodeTotals = () => {
    let count = 0;
    let sum = 0;
    for (const sample of nodeDuration.samples()) {
      count += sample.count;
      sum += sample.sum;
    }
    return { count, sumMs: sum * 1000 };
  };

  const series = rollingSeries<SeriesSample>(options.seriesLength ?? 60);
  let previous = { finished: 0, failed: 0, nodes: 0, nodeMs: 0, hits: 0, misses: 0 };
  const sample = async (): Promise<void> => {
    const depth = await readSources();
    const nodes = nodeTotals();
    const now = { finished: totalFinished(), failed: runs.get({ status: 'error' }), nodes: nodes.count, nodeMs: nodes.sumMs, hits: cacheHits.get(), misses: cacheMisses.get() };
    const lookups = now.hits - previous.hits + (now.misses - previous.misses);
    series.push({
      at: Date.now(),
      runsFinished: now.finished - previous.finished,
      runsFailed: now.failed - previous.failed,
      nodesExecuted: now.nodes - previous.nodes,
      nodeMs: Math.round(now.nodeMs - previous.nodeMs),
      cacheHitRate: lookups > 0 ? (now.hits - previous.hits) / lookups : null,
      queued: depth.queued,
      running: depth.running,
      rssBytes: memory.get({ kind: 'rss' }),
      heapUsedBytes: memory.get({ kind: 'heap_used' }),
    });
    previous = now;
  };
  const timer = setInterval(() => {
    sample().catch((error: unknown) => log.warn({ err: error }, 'taking a metrics sample failed'));
  }, intervalMs);
  timer.unref();
  sample().catch((error: unknown) => log.warn({ err: error }, 'taking the first metrics sample failed'));

  return {
    registry,
    models: {
      loaded: () => modelLoads.inc(),
      evicted: (reason) => modelEvictions.inc({ reason }),
      resident: (count, bytes) => {
        modelsLoaded.set(count);
        modelBytes.set(bytes);
      },
    },
    observeHttp(method, route, status, seconds) {
      const m = HTTP_METHODS.has(method) ? method : 'OTHER';
      httpRequests.inc({ method: m, route, status: String(status) });
      httpDuration.observe(seconds, { method: m, route });
    },
    sample,
    async snapshot() {
      await registry.collect();
      const finished = Object.fromEntries(RUN_STATUS_LABELS.map((status) => [status, runs.get({ status })])) as MetricsSnapshot['runs']['finished'];
      const durations = runDuration.totals();
      const byType = nodeDuration
        .samples()
        .map((s) => ({ type: s.labels.node_type!, count: s.count, totalMs: s.sum * 1000, meanMs: s.count > 0 ? (s.sum * 1000) / s.count : 0 }))
        .sort((a, b) => b.totalMs - a.totalMs || a.type.localeCompare(b.type));
      const nodes = nodeTotals();
      const hits = cacheHits.get();
      const misses = cacheMisses.get();
      const byRoute = httpRequests.samples().map((s) => ({ method: s.labels.method!, route: s.labels.route!, status: Number(s.labels.status), count: s.value }));
      return {
        at: Date.now(),
        uptimeSeconds: uptime.get(),
        version: ENGINE_VERSION,
        runs: {
          submitted: submitted.get(),
          finished,
          duration: { count: durations.count, totalMs: durations.sum * 1000, meanMs: durations.count > 0 ? (durations.sum * 1000) / durations.count : null },
        },
        queue: { queued: queueDepth.get({ state: 'queued' }), running: queueDepth.get({ state: 'running' }) },
        nodes: {
          executed: nodes.count,
          totalMs: nodes.sumMs,
          byType,
          errors: nodeErrors.samples().map((s) => ({ type: s.labels.node_type!, code: s.labels.code!, count: s.value })),
        },
        cache: { hits, misses, evictions: cacheEvictions.get(), entries: cacheEntries.get(), bytes: cacheBytes.get(), maxBytes: cacheMaxBytes.get(), hitRate: hits + misses > 0 ? hits / (hits + misses) : null },
        models: {
          loads: modelLoads.get(),
          evictions: { memory: modelEvictions.get({ reason: 'memory' }), count: modelEvictions.get({ reason: 'count' }), idle: modelEvictions.get({ reason: 'idle' }), request: modelEvictions.get({ reason: 'request' }) },
          loaded: modelsLoaded.get(),
          bytes: modelBytes.get(),
        },
        memory: { rssBytes: memory.get({ kind: 'rss' }), heapUsedBytes: memory.get({ kind: 'heap_used' }), heapTotalBytes: memory.get({ kind: 'heap_total' }), externalBytes: memory.get({ kind: 'external' }) },
        http: { requests: byRoute.reduce((sum, r) => sum + r.count, 0), byRoute },
        series: { intervalMs, capacity: series.capacity, samples: series.list() },
      };
    },
    async prometheus() {
      return writePrometheus(await registry.collect());
    },
    dispose() {
      clearInterval(timer);
      for (const off of unsubscribe) off();
    },
  };
}

/** `GET /api/metrics` without express (the legacy dashboard wraps it). */
export function metricsSnapshot(ctx: Pick<ServerContext, 'metrics'>): Promise<MetricsSnapshot> {
  return ctx.metrics.snapshot();
}

/** `GET /metrics`: the Prometheus text. */
export function prometheusText(ctx: Pick<ServerContext, 'metrics'>): Promise<string> {
  return ctx.metrics.prometheus();
}
