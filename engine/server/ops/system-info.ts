/**
 * What the machine offers, for `GET /api/health`: onnxruntime's execution providers, CPU,
 * GPUs (from `nvidia-smi` when present) and memory. Probing is kept off the hot path: the
 * onnxruntime answer is found once per process (loading its native binding, not a model), the
 * GPU answer is cached for a few seconds, and neither ever throws — a failure is reported as
 * data with its reason.
 */
import { execFile } from 'node:child_process';
import { cpus, availableParallelism, loadavg, totalmem, freemem } from 'node:os';
import { z } from 'zod';
import { providerCatalog } from '../../models/providers.js';

export const ExecutionProviderSchema = z.object({
  name: z.string(),
  /** Shipped inside onnxruntime-node's own binaries. */
  bundled: z.boolean(),
  /** Its libraries are present: bundled, or installed next to the binding (CUDA/TensorRT need the NVIDIA libraries too). */
  installed: z.boolean(),
});

export const OnnxRuntimeInfoSchema = z.object({
  /** Whether onnxruntime-node loaded in this process. */
  loaded: z.boolean(),
  version: z.string().nullable(),
  /** Every backend this build knows. */
  providers: z.array(ExecutionProviderSchema),
  /**
   * Providers worth asking a session for on this machine: `cpu` always (when loaded), and the
   * installed GPU ones when a GPU they can use was seen. A best judgement made without loading
   * a model: creating a session on a listed GPU provider can still fail.
   */
  available: z.array(z.string()),
  /** Why it did not load. */
  error: z.string().nullable(),
});
export type OnnxRuntimeInfo = z.infer<typeof OnnxRuntimeInfoSchema>;

export const GpuInfoSchema = z.object({
  devices: z.array(
    z.object({
      index: z.number(),
      name: z.string(),
      memoryTotalBytes: z.number().nullable(),
      memoryUsedBytes: z.number().nullable(),
      utilizationPercent: z.number().nullable(),
      driverVersion: z.string().nullable(),
    }),
  ),
  /** Why no device is listed (no nvidia-smi, or it failed); null when devices were read. */
  reason: z.string().nullable(),
});
export type GpuInfo = z.infer<typeof GpuInfoSchema>;

export const CpuInfoSchema = z.object({ model: z.string(), count: z.number(), loadAverage: z.array(z.number()) });
export const MemoryInfoSchema = z.object({
  process: z.object({ rssBytes: z.number(), heapUsedBytes: z.number(), heapTotalBytes: z.number(), externalBytes: z.number() }),
  system: z.object({ totalBytes: z.number(), freeBytes: z.number() }),
});

async function probeOnnxRuntime(): Promise<OnnxRuntimeInfo> {
  const catalog = providerCatalog();
  if (catalog.error !== null) return { loaded: false, version: null, providers: [], available: [], error: catalog.error };
  return { loaded: true, version: catalog.version, providers: catalog.providers.map((p) => ({ ...p })), available: ['cpu'], error: null };
}

/** Providers that run on an NVIDIA GPU, and the ones that take whatever GPU the platform's graphics API offers. */
const NVIDIA_PROVIDERS = new Set(['cuda', 'tensorrt']);
const GRAPHICS_API_PROVIDERS = new Set(['webgpu', 'dml', 'coreml']);

/**
 * Which installed providers may work here: NVIDIA ones when nvidia-smi listed a device; the
 * graphics-API ones (WebGPU, DirectML, CoreML) on Windows and macOS, which always have a GPU
 * API, or on Linux when a GPU was seen; anything else (CPU-side providers) when installed.
 */
export function availableProviders(info: OnnxRuntimeInfo, gpu: GpuInfo, platform: NodeJS.Platform = process.platform): string[] {
  if (!info.loaded) return [];
  const nvidia = gpu.devices.length > 0;
  const graphics = platform === 'win32' || platform === 'darwin' || nvidia;
  const available = info.providers
    .filter((p) => p.installed && (NVIDIA_PROVIDERS.has(p.name) ? nvidia : GRAPHICS_API_PROVIDERS.has(p.name) ? graphics : true))
    .map((p) => p.name);
  if (!available.includes('cpu')) available.unshift('cpu');
  return available;
}

let onnxRuntime: Promise<OnnxRuntimeInfo> | undefined;

/** Found once per process: what this build of onnxruntime-node supports does not change while it runs. */
export function onnxRuntimeInfo(): Promise<OnnxRuntimeInfo> {
  onnxRuntime ??= probeOnnxRuntime();
  return onnxRuntime;
}

const MiB = 1024 * 1024;

function numberOrNull(text: string | undefined): number | null {
  const value = Number(text?.trim());
  return text === undefined || text.trim() === '' || !Number.isFinite(value) ? null : value;
}

/** Parses `nvidia-smi --query-gpu=index,name,memory.total,memory.used,utilization.gpu,driver_version --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(text: string): GpuInfo['devices'] {
  const devices: GpuInfo['devices'] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const cells = line.split(',').map((cell) => cell.trim());
    if (cells.length < 6) continue;
    // A name with a comma in it spans several cells: index first, the four numbers last.
    const [index, ...rest] = cells;
    const tail = rest.splice(rest.length - 4, 4);
    const total = numberOrNull(tail[0]);
    const used = numberOrNull(tail[1]);
    devices.push({
      index: numberOrNull(index) ?? devices.length,
      name: rest.join(', '),
      memoryTotalBytes: total === null ? null : total * MiB,
      memoryUsedBytes: used === null ? null : used * MiB,
      utilizationPercent: numberOrNull(tail[2]),
      driverVersion: tail[3] === undefined || tail[3] === '' ? null : tail[3],
    });
  }
  return devices;
}

function probeGpus(): Promise<GpuInfo> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=index,name,memory.total,memory.used,utilization.gpu,driver_version', '--format=csv,noheader,nounits'],
      { timeout: 3000, windowsHide: true },
      (error, stdout) => {
        if (error) {
          const code = (error as NodeJS.ErrnoException).code;
          resolve({ devices: [], reason: code === 'ENOENT' ? 'nvidia-smi is not installed: no NVIDIA GPU driver on this machine' : `nvidia-smi failed: ${error.message.split('\n')[0]}` });
          return;
        }
        const devices = parseNvidiaSmi(stdout);
        resolve({ devices, reason: devices.length > 0 ? null : 'nvidia-smi listed no GPU' });
      },
    );
  });
}

const GPU_CACHE_MS = 10_000;
let gpuCache: { at: number; info: Promise<GpuInfo> } | undefined;

/** Cached for a few seconds: nvidia-smi takes tens to hundreds of milliseconds. */
export function gpuInfo(now = Date.now()): Promise<GpuInfo> {
  if (gpuCache === undefined || now - gpuCache.at > GPU_CACHE_MS) gpuCache = { at: now, info: probeGpus() };
  return gpuCache.info;
}

export function cpuInfo(): z.infer<typeof CpuInfoSchema> {
  const list = cpus();
  return { model: list[0]?.model.trim() ?? 'unknown', count: availableParallelism(), loadAverage: loadavg() };
}

export function memoryInfo(): z.infer<typeof MemoryInfoSchema> {
  const usage = process.memoryUsage();
  return {
    process: { rssBytes: usage.rss, heapUsedBytes: usage.heapUsed, heapTotalBytes: usage.heapTotal, externalBytes: usage.external },
    system: { totalBytes: totalmem(), freeBytes: freemem() },
  };
}
