/**
 * The editor's build (editor/dist: index.html, dashboard.html and content-hashed files under
 * assets/, with the gzip and brotli copies the build wrote) read into memory once, with a
 * content type and a strong ETag per file. Only names listed in assets/ exist: a request never
 * reaches the file system, so no path can escape the folder.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/engine/server/editor → repository root → editor/dist (where `node editor/build.mjs` writes). */
export const EDITOR_BUILD_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'editor', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface Asset {
  readonly contentType: string;
  readonly etag: string;
  readonly identity: Buffer;
  readonly gzip?: Buffer;
  readonly br?: Buffer;
}

export interface EditorBuild {
  /** index.html as built (before the server adds its data). */
  readonly indexHtml: string;
  /** dashboard.html as built (before the server adds its data); absent in a build without the dashboard. */
  readonly dashboardHtml?: string;
  /** By file name under assets/. */
  readonly assets: ReadonlyMap<string, Asset>;
}

export function etagOf(body: Buffer | string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

function optional(path: string): Buffer | undefined {
  return existsSync(path) ? readFileSync(path) : undefined;
}

/** When the build in `dir` was written (its stamp's mtime), 0 when there is none. */
export function buildStamp(dir = EDITOR_BUILD_DIR): number {
  try {
    return statSync(join(dir, '.build-stamp')).mtimeMs;
  } catch {
    return 0;
  }
}

/** The build in `dir`, or undefined when there is none (the editor was not built). */
export function readEditorBuild(dir = EDITOR_BUILD_DIR): EditorBuild | undefined {
  const index = join(dir, 'index.html');
  const assetsDir = join(dir, 'assets');
  if (!existsSync(index) || !existsSync(assetsDir)) return undefined;
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(assetsDir)) {
    if (name.endsWith('.gz') || name.endsWith('.br')) continue;
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType === undefined) continue;
    const path = join(assetsDir, name);
    const identity = readFileSync(path);
    assets.set(name, { contentType, etag: etagOf(identity), identity, gzip: optional(`${path}.gz`), br: optional(`${path}.br`) });
  }
  const dashboard = optional(join(dir, 'dashboard.html'));
  return { indexHtml: readFileSync(index, 'utf8'), ...(dashboard ? { dashboardHtml: dashboard.toString('utf8') } : {}), assets };
}

/** The best encoding of `asset` the Accept-Encoding header allows (brotli, then gzip). */
export function pickEncoding(acceptEncoding: string | undefined, asset: Asset): 'br' | 'gzip' | undefined {
  if (!acceptEncoding) return undefined;
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const quality = q === undefined ? 1 : Number(q.slice(2));
    if (token) accepted.set(token, Number.isFinite(quality) ? quality : 0);
  }
  const allows = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (asset.br && allows('br')) return 'br';
  if (asset.gzip && allows('gzip')) return 'gzip';
  return undefined;
}
