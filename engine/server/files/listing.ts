/**
 * The recent files of a data folder (newest first), for `GET /api/outputs`: a bounded walk
 * (depth and file count capped so a huge folder cannot stall the server) that skips hidden
 * names and never follows symlinks, then one page of it.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { realRoot } from './safe-path.js';

const MAX_DEPTH = 8;
export const MAX_LISTED_FILES = 20_000;

export const ListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ListedFileSchema = z.object({
  /** Relative path ("sub/name.png"), as `/api/outputs/<path>` takes it. */
  path: z.string(),
  name: z.string(),
  subfolder: z.string(),
  size: z.number().int().nonnegative(),
  /** Where to fetch it (`<urlPrefix><path>`, each segment percent-encoded). */
  url: z.string(),
  /** ISO time of the last change. */
  modified: z.string(),
});
export type ListedFile = z.infer<typeof ListedFileSchema>;

export const FileListSchema = z.object({
  files: z.array(ListedFileSchema),
  total: z.number().int().nonnegative(),
  /** True when the walk stopped at its cap: `total` counts only what was seen. */
  truncated: z.boolean(),
  offset: z.number().int(),
  limit: z.number().int(),
});
export type FileList = z.infer<typeof FileListSchema>;

interface Found {
  path: string;
  size: number;
  mtimeMs: number;
}

async function walk(root: string): Promise<{ found: Found[]; truncated: boolean }> {
  const found: Found[] = [];
  let truncated = false;
  const visit = async (dir: string, prefix: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (found.length >= MAX_LISTED_FILES) {
        truncated = true;
        return;
      }
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory()) {
        if (depth < MAX_DEPTH) await visit(join(dir, entry.name), `${prefix}${entry.name}/`, depth + 1);
      } else if (entry.isFile()) {
        const info = await stat(join(dir, entry.name)).catch(() => undefined);
        if (info) found.push({ path: prefix + entry.name, size: info.size, mtimeMs: info.mtimeMs });
      }
    }
  };
  await visit(root, '', 0);
  return { found, truncated };
}

/** One page of the files under `root`, newest first (ties by path). */
export async function listRecentFiles(root: string, page: z.infer<typeof ListQuerySchema>, urlPrefix: string): Promise<FileList> {
  const { found, truncated } = await walk(await realRoot(root));
  found.sort((a, b) => b.mtimeMs - a.mtimeMs || a.path.localeCompare(b.path));
  const files = found.slice(page.offset, page.offset + page.limit).map((file) => {
    const slash = file.path.lastIndexOf('/');
    return {
      path: file.path,
      name: file.path.slice(slash + 1),
      subfolder: slash < 0 ? '' : file.path.slice(0, slash),
      size: file.size,
      url: urlPrefix + file.path.split('/').map(encodeURIComponent).join('/'),
      modified: new Date(file.mtimeMs).toISOString(),
    };
  });
  return { files, total: found.length, truncated, offset: page.offset, limit: page.limit };
}
