/**
 * ComfyUI's informational and housekeeping routes:
 * - `GET /object_info` — every node type (and every alias, so `LoadImage`, `SaveImage`… are
 *   found) in ComfyUI's shape, served as a cached document (ETag, 304, pre-compressed) that
 *   follows `ctx.nodesDocument`: ComfyUI rebuilds this on every call, we rebuild it only when
 *   the node descriptions changed. `GET /object_info/:class` — one entry, `{}` when unknown.
 * - `GET /system_stats` — ComfyUI's field names. There is no Python: `python_version` says
 *   which Node.js runs us, `pytorch_version` is null, `comfyui_version` is our version (with
 *   `switchyard_version` beside it). Like ComfyUI on a CPU, the cpu device reports system RAM
 *   as its "vram", so clients that compute a used fraction never divide by zero.
 * - `POST /free {free_memory?, unload_models?}` — `free_memory` empties the output cache;
 *   there is no model manager yet, so `unload_models` unloads nothing and the answer says so.
 * - `GET /embeddings` and `GET /extensions` — none (we have no textual inversions and no
 *   editor extensions to serve); `GET /features` — what this server supports.
 */
import { arch, cpus, freemem, platform, totalmem } from 'node:os';
import type { Request, Response } from 'express';
import { ENGINE_VERSION } from '../../version.js';
import { buildComfyObjectInfo, type ComfyNodeInfo, type NodeDescription } from '../../nodes/describe.js';
import type { ServerContext } from '../context.js';
import { cachedDocument, type CachedDocument } from '../http/cached-document.js';
import { parseInput } from '../http/parse.js';
import { FreeBodySchema } from './schemas.js';

/**
 * The `/object_info` document, rebuilt only when the node descriptions change. `nodesDocument`
 * hands out a new descriptions object whenever it rebuilds (at most once a second, or after an
 * upload invalidated it); an unchanged text keeps the built document and its compressed bodies.
 */
export function objectInfoDocument(ctx: ServerContext): { document: CachedDocument; refresh(): Promise<void> } {
  let seen: unknown;
  let seenText: string | undefined;
  const document = cachedDocument(async () => {
    const descriptions = (await ctx.nodesDocument.value()) as NodeDescription[];
    return buildComfyObjectInfo(descriptions, ctx.engine.registry);
  }, Number.POSITIVE_INFINITY);
  return {
    document,
    /** Cheap while the descriptions are fresh: `value()` answers the same object until they are rebuilt. */
    async refresh() {
      const descriptions = await ctx.nodesDocument.value();
      if (descriptions === seen) return;
      const text = JSON.stringify(descriptions);
      if (text !== seenText) document.invalidate();
      seen = descriptions;
      seenText = text;
    },
  };
}

export function objectInfoRoutes(ctx: ServerContext) {
  const info = objectInfoDocument(ctx);
  return {
    all: async (req: Request, res: Response): Promise<void> => {
      await info.refresh();
      await info.document.send(req, res);
    },
    one: async (req: Request, res: Response): Promise<void> => {
      await info.refresh();
      const all = (await info.document.value()) as Record<string, ComfyNodeInfo>;
      const name = String(req.params.nodeClass);
      res.json(Object.hasOwn(all, name) ? { [name]: all[name] } : {});
    },
  };
}

export function systemStats(ctx: ServerContext) {
  return (_req: Request, res: Response): void => {
    const ramTotal = totalmem();
    const ramFree = freemem();
    res.json({
      system: {
        os: platform() === 'win32' ? 'nt' : 'posix',
        ram_total: ramTotal,
        ram_free: ramFree,
        comfyui_version: ENGINE_VERSION,
        switchyard_version: ctx.engine.version,
        python_version: `Node.js ${process.version}`,
        pytorch_version: null,
        embedded_python: false,
        argv: process.argv.slice(1),
        platform: platform(),
        arch: arch(),
        cpu_count: cpus().length,
        uptime_seconds: Math.round((Date.now() - ctx.startedAt) / 1000),
      },
      devices: [{ name: 'cpu', type: 'cpu', index: 0, vram_total: ramTotal, vram_free: ramFree, torch_vram_total: 0, torch_vram_free: 0 }],
    });
  };
}

export function freeMemory(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = parseInput(FreeBodySchema, req.body ?? {}, 'free request');
    const notes: string[] = [];
    let cacheBytesFreed = 0;
    if (body.free_memory === true) {
      cacheBytesFreed = ctx.engine.cache.stats().bytes;
      ctx.engine.cache.clear();
      ctx.log.info({ bytes: cacheBytesFreed }, 'output cache cleared on request (POST /free)');
    }
    let unloaded = false;
    if (body.unload_models === true) {
      const result = await ctx.engine.models.unloadAll();
      unloaded = true;
      if (result.pending.length > 0) notes.push(`unload_models: ${result.pending.join(', ')} in use, unloaded when their nodes finish`);
      ctx.log.info({ route: 'POST /free', ...result }, 'models unloaded on request');
    }
    res.json({ cache_cleared: body.free_memory === true, cache_bytes_freed: cacheBytesFreed, models_unloaded: unloaded, notes });
  };
}

export function emptyList(_req: Request, res: Response): void {
  res.json([]);
}

export function features(ctx: ServerContext) {
  return (_req: Request, res: Response): void => {
    res.json({ supports_preview_metadata: false, max_upload_size: ctx.config.uploadLimitBytes });
  };
}
