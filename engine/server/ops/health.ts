/**
 * `GET /api/health`: is the server well, and on what. `status` is `degraded` (still HTTP 200:
 * the server serves) when something needs the operator's attention — a pack failed to load, a
 * store file was corrupt at start and moved aside, onnxruntime did not load — and `problems`
 * says what, in words — also when the configured execution providers are not available here.
 * The rest: version, uptime, Node, platform, pid, onnxruntime's execution providers and the
 * options model sessions open with, CPU, GPUs, memory, queue counts, cache stats, pack counts.
 */
import { z } from 'zod';
import { ENGINE_VERSION } from '../../version.js';
import type { ServerContext } from '../context.js';
import { CpuInfoSchema, GpuInfoSchema, MemoryInfoSchema, OnnxRuntimeInfoSchema, availableProviders, cpuInfo, gpuInfo, memoryInfo, onnxRuntimeInfo } from './system-info.js';

export const SessionsReportSchema = z.object({
  providers: z.array(z.string()).describe('Execution providers model sessions ask for, in order (setting executionProviders, as the server started)'),
  intraOpThreads: z.number().int().describe('Threads one operator may use (setting intraOpThreads, resolved)'),
  interOpThreads: z.number().int().describe('Threads running independent operators at once (setting interOpThreads)'),
  unavailable: z.array(z.string()).describe('Configured providers not in onnxruntime.available: model loads may fail until the setting is changed'),
});

export const HealthReportSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  /** Why the status is degraded; empty when ok. */
  problems: z.array(z.string()),
  version: z.string(),
  /** ISO time the server started. */
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  node: z.string(),
  platform: z.string(),
  arch: z.string(),
  pid: z.number(),
  /** True once shutdown began. */
  closing: z.boolean(),
  onnxruntime: OnnxRuntimeInfoSchema,
  /** What model sessions open with. */
  sessions: SessionsReportSchema,
  cpu: CpuInfoSchema,
  gpu: GpuInfoSchema,
  memory: MemoryInfoSchema,
  queue: z.object({ queued: z.number(), running: z.number(), finished: z.number() }),
  cache: z.object({ hits: z.number(), misses: z.number(), evictions: z.number(), entries: z.number(), bytes: z.number(), maxBytes: z.number() }),
  packs: z.object({ loaded: z.number(), failed: z.number() }),
  store: z.object({
    /** Runs found executing at start and marked interrupted. */
    interruptedAtStart: z.number(),
    /** Store files found unreadable at start and moved aside. */
    corruptFiles: z.number(),
  }),
  logs: z.object({ capturing: z.boolean(), lines: z.number(), capacity: z.number() }),
});
export type HealthReport = z.infer<typeof HealthReportSchema>;

export async function healthReport(ctx: ServerContext): Promise<HealthReport> {
  const [ort, gpu, queue] = await Promise.all([onnxRuntimeInfo(), gpuInfo(), ctx.queue.counts()]);
  const onnxruntime = { ...ort, available: availableProviders(ort, gpu) };
  const problems: string[] = [];
  const failedPacks = ctx.engine.packs.failed;
  if (failedPacks.length > 0) problems.push(`${failedPacks.length} node pack(s) failed to load: ${failedPacks.map((p) => p.name ?? p.path).join(', ')} (see GET /api/packs)`);
  const corrupt = ctx.storeRecovery.corrupt.length + (ctx.settings.store.recovery.corrupt ? 1 : 0);
  if (corrupt > 0) problems.push(`${corrupt} store file(s) were unreadable at start and were moved aside (see the log)`);
  if (!onnxruntime.loaded) problems.push(`onnxruntime did not load, so no model can run: ${onnxruntime.error ?? 'unknown reason'}`);
  const configured = ctx.engine.sessionOptions;
  const unavailable = configured.providers.filter((name) => !onnxruntime.available.includes(name));
  if (onnxruntime.loaded && unavailable.length > 0) {
    problems.push(`execution provider(s) ${unavailable.join(', ')} are configured but not available here (available: ${onnxruntime.available.join(', ')}), so model loads may fail: change the setting executionProviders, or see README "GPU / execution providers"`);
  }
  return {
    status: problems.length === 0 ? 'ok' : 'degraded',
    problems,
    version: ENGINE_VERSION,
    startedAt: new Date(ctx.startedAt).toISOString(),
    uptimeSeconds: (Date.now() - ctx.startedAt) / 1000,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    pid: process.pid,
    closing: ctx.closing,
    onnxruntime,
    sessions: { providers: [...configured.providers], intraOpThreads: configured.intraOpThreads, interOpThreads: configured.interOpThreads, unavailable },
    cpu: cpuInfo(),
    gpu,
    memory: memoryInfo(),
    queue,
    cache: ctx.engine.cache.stats(),
    packs: { loaded: ctx.engine.packs.loaded.length, failed: failedPacks.length },
    store: { interruptedAtStart: ctx.storeRecovery.interrupted.length, corruptFiles: corrupt },
    logs: { capturing: ctx.logs.capturing, lines: ctx.logs.size, capacity: ctx.logs.capacity },
  };
}
