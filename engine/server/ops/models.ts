/**
 * `GET /api/models` before the model manager exists: the honest answer lists what is on disk in
 * the data folder's `models/` (each top-level file or folder, with its size), says that none is
 * loaded and that the manager is not there yet (`manager: 'not_available'`). Unloading answers
 * 501 `not_available` until the model runtime issue brings the manager. The walk is bounded
 * (depth and entry count) so a huge or looping folder cannot stall the request.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import type { ServerContext } from '../context.js';
import { discoverModels } from '../../models/discover.js';

export const MODELS_MESSAGE = 'models load on first use by a node and stay loaded within the model limits in settings; unload them here to free memory at once';

export const ModelsReportSchema = z.object({
  manager: z.enum(['ready']),
  message: z.string(),
  /** Top-level entries of the models folder (hidden ones skipped), by name. */
  available: z.array(
    z.object({
      id: z.string(),
      kind: z.enum(['file', 'folder']),
      /** Bytes on disk (a folder: its files, as far as the walk went). */
      bytes: z.number(),
      files: z.number(),
      modifiedAt: z.string(),
      /** How the folder is laid out (diffusers, transformers.js, a single file), or unknown. */
      layout: z.enum(['diffusers', 'transformers.js', 'file', 'unknown']),
      /** From the folder's manifest.json, when it says. */
      family: z.string().nullable(),
      /** ONNX components found (unet, text_encoder, … or the onnx/ file names). */
      components: z.array(z.string()),
      /** Why nothing usable was found, for `unknown`. */
      problem: z.string().nullable(),
      loaded: z.boolean(),
    }),
  ),
  loaded: z.array(
    z.object({
      id: z.string(),
      bytes: z.number(),
      /** Nodes holding it now: it is not unloaded while held. */
      inUse: z.number(),
      loadedAt: z.string(),
      lastUsedAt: z.string(),
      /** Unload asked while in use: it happens at the last release. */
      unloadPending: z.boolean(),
    }),
  ),
  memory: z.object({ loadedBytes: z.number(), budgetBytes: z.number().nullable() }),
  /** True when the walk stopped early (too deep or too many files): sizes are lower bounds. */
  truncated: z.boolean(),
});
export type ModelsReport = z.infer<typeof ModelsReportSchema>;

const MAX_DEPTH = 8;
const MAX_ENTRIES = 20_000;

interface Walk {
  entries: number;
  truncated: boolean;
}

async function folderSize(path: string, depth: number, walk: Walk): Promise<{ bytes: number; files: number }> {
  let bytes = 0;
  let files = 0;
  if (depth > MAX_DEPTH) {
    walk.truncated = true;
    return { bytes, files };
  }
  let names: string[];
  try {
    names = await readdir(path);
  } catch {
    // Unreadable subfolder: counted as empty, and the answer says sizes are lower bounds.
    walk.truncated = true;
    return { bytes, files };
  }
  for (const name of names) {
    if (walk.entries >= MAX_ENTRIES) {
      walk.truncated = true;
      break;
    }
    walk.entries++;
    try {
      const info = await stat(join(path, name));
      if (info.isDirectory()) {
        const inner = await folderSize(join(path, name), depth + 1, walk);
        bytes += inner.bytes;
        files += inner.files;
      } else if (info.isFile()) {
        bytes += info.size;
        files++;
      }
    } catch {
      walk.truncated = true;
    }
  }
  return { bytes, files };
}

export async function modelsReport(ctx: Pick<ServerContext, 'engine' | 'settings'>): Promise<ModelsReport> {
  const folder = ctx.engine.folders.models;
  const walk: Walk = { entries: 0, truncated: false };
  let names: string[] = [];
  try {
    names = (await readdir(folder)).filter((name) => !name.startsWith('.')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new SwitchyardError('internal', `cannot read the models folder: ${(error as Error).message}`);
  }
  const available: ModelsReport['available'] = [];
  const discovered = new Map((await discoverModels(folder)).map((m) => [basename(m.path), m]));
  const loadedIds = new Set(ctx.engine.models.list().map((m) => m.id));
  const facts = (name: string) => {
    const found = discovered.get(name);
    return {
      layout: found?.layout ?? ('unknown' as const),
      family: found?.family ?? null,
      components: found?.components.map((c) => c.name) ?? [],
      problem: found ? (found.problem ?? null) : 'not a model folder or .onnx file',
      loaded: loadedIds.has(name) || (found !== undefined && loadedIds.has(found.id)),
    };
  };
  for (const name of names) {
    // Top-level entries are followed when they are links: models are often linked in from a big disk.
    const info = await stat(join(folder, name)).catch(() => undefined);
    if (info === undefined) {
      walk.truncated = true;
      continue;
    }
    if (info.isDirectory()) {
      const size = await folderSize(join(folder, name), 1, walk);
      available.push({ id: name, kind: 'folder', bytes: size.bytes, files: size.files, modifiedAt: info.mtime.toISOString(), ...facts(name) });
    } else if (info.isFile()) {
      available.push({ id: name, kind: 'file', bytes: info.size, files: 1, modifiedAt: info.mtime.toISOString(), ...facts(name) });
    }
  }
  const manager = ctx.engine.models;
  return {
    manager: 'ready',
    message: MODELS_MESSAGE,
    available,
    loaded: manager.list().map((m) => ({ ...m, loadedAt: new Date(m.loadedAt).toISOString(), lastUsedAt: new Date(m.lastUsedAt).toISOString() })),
    memory: { loadedBytes: manager.loadedBytes, budgetBytes: ctx.settings.current().modelMemoryBytes },
    truncated: walk.truncated,
  };
}

/** A model id as the unload routes take it: a name in the models folder, never a path. */
export const ModelIdSchema = z
  .string()
  .min(1, 'a model id is required')
  .max(255, 'a model id has at most 255 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._+@-]*$/, 'a model id is a name from GET /api/models (letters, digits, ".", "_", "-", "+", "@"; no slashes)');
export const ModelIdParamsSchema = z.object({ id: ModelIdSchema });

export const UnloadResponseSchema = z.object({
  id: z.string(),
  outcome: z.enum(['unloaded', 'pending']).describe('pending: in use now, unloaded at its last release'),
});
export const UnloadAllResponseSchema = z.object({
  unloaded: z.array(z.string()),
  pending: z.array(z.string()).describe('In use now: unloaded at their last release'),
});

/** Unloads one model: 404 `not_found` when it is not loaded. */
export async function unloadModel(ctx: Pick<ServerContext, 'engine' | 'log'>, id: string): Promise<z.infer<typeof UnloadResponseSchema>> {
  const outcome = await ctx.engine.models.unload(id);
  if (outcome === 'not_loaded') throw new SwitchyardError('not_found', `model ${JSON.stringify(id)} is not loaded`, { model: id });
  ctx.log.info({ model: id, outcome }, 'model unload requested');
  return { id, outcome };
}

export async function unloadAllModels(ctx: Pick<ServerContext, 'engine' | 'log'>): Promise<z.infer<typeof UnloadAllResponseSchema>> {
  const result = await ctx.engine.models.unloadAll();
  ctx.log.info(result, 'unload of every model requested');
  return result;
}
