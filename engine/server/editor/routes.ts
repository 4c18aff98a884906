/**
 * Serves the browser editor: `GET /` (also `/index.html`, `/editor`, `/editor/`) answers the
 * editor's page, `GET /dashboard` (also `/dashboard/`, `/editor/dashboard`) the operator's
 * dashboard page, `GET /assets/<file>` their bundled scripts, stylesheets and icon. `/`,
 * `/editor/…` and `/assets/…` are public (security/auth.ts `isPublicPath`): the pages ask for
 * the API token themselves and send it with every API call.
 *
 * Caching: the page is `no-cache` (revalidated by ETag, so a new build shows at once); assets
 * have content-hashed names and are `immutable` for a year. Pre-compressed brotli/gzip copies
 * are sent when the client accepts them. The page carries the data types' socket colours
 * (pack types included) as inline JSON, so the editor needs no extra request for them; the
 * dashboard page carries the settings' JSON Schema the same way (its settings form).
 *
 * Mounted as middleware, not as routes: these are static files, not API operations, so they
 * stay out of the OpenAPI route table. When no build exists, every request falls through; a
 * new build (its .build-stamp changed) is read again when the page is next requested.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { ServerContext } from '../context.js';
import { buildStamp, etagOf, pickEncoding, readEditorBuild, type Asset } from './assets.js';
import { settingsJsonSchema } from './dashboard-data.js';

export interface DataTypeView {
  name: string;
  color?: string;
  description?: string;
}

export interface EditorHandlerOptions {
  /** The build folder (default: editor/dist of this checkout). */
  dir?: string;
  /** The data types to colour sockets with (read on the first page request). */
  dataTypes?: () => DataTypeView[];
  /** The settings' JSON Schema for the dashboard's form (read on the first dashboard request). */
  settingsSchema?: () => unknown;
}

const PAGE_PATHS = new Set(['/', '/index.html', '/editor', '/editor/']);
// `/editor/dashboard` is the address links use: under `/editor/` it is public when a token is required.
const DASHBOARD_PATHS = new Set(['/dashboard', '/dashboard/', '/editor/dashboard']);
const ASSET_PREFIX = '/assets/';
const DATA_TYPES_SLOT = /(<script id="switchyard-data-types" type="application\/json">)[\s\S]*?(<\/script>)/;
const SETTINGS_SCHEMA_SLOT = /(<script id="switchyard-settings-schema" type="application\/json">)[\s\S]*?(<\/script>)/;
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // litegraph sets inline styles on its menus and dialogs.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** JSON safe inside a <script> element (no "</script>", no HTML comment openers). */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

function notModified(req: Request, etag: string): boolean {
  const header = req.headers['if-none-match'];
  return typeof header === 'string' && header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function send(req: Request, res: Response, asset: Asset, cacheControl: string): void {
  res.setHeader('Cache-Control', cacheControl);
  res.setHeader('ETag', asset.etag);
  res.setHeader('Vary', 'Accept-Encoding');
  res.setHeader('Content-Type', asset.contentType);
  if (notModified(req, asset.etag)) {
    res.status(304).end();
    return;
  }
  const encoding = pickEncoding(req.headers['accept-encoding'], asset);
  const body = encoding === 'br' ? asset.br! : encoding === 'gzip' ? asset.gzip! : asset.identity;
  if (encoding) res.setHeader('Content-Encoding', encoding);
  res.setHeader('Content-Length', String(body.length));
  res.status(200).end(req.method === 'HEAD' ? undefined : body);
}

export function editorHandler(options: EditorHandlerOptions = {}): RequestHandler {
  let stamp = buildStamp(options.dir);
  let build = readEditorBuild(options.dir);
  let page: Asset | undefined;
  let dashboard: Asset | undefined;
  // A rebuild while the server runs (`node editor/build.mjs`) shows at the next page load.
  const refresh = () => {
    const now = buildStamp(options.dir);
    if (now === stamp) return;
    stamp = now;
    build = readEditorBuild(options.dir);
    page = undefined;
    dashboard = undefined;
  };
  const htmlAsset = (html: string): Asset => {
    const identity = Buffer.from(html, 'utf8');
    return { contentType: 'text/html; charset=utf-8', etag: etagOf(identity), identity };
  };
  const pageAsset = (): Asset => {
    page ??= htmlAsset(build!.indexHtml.replace(DATA_TYPES_SLOT, (_match, open: string, close: string) => `${open}${inlineJson(options.dataTypes?.() ?? [])}${close}`));
    return page;
  };
  const dashboardAsset = (html: string): Asset => {
    dashboard ??= htmlAsset(html.replace(SETTINGS_SCHEMA_SLOT, (_match, open: string, close: string) => `${open}${inlineJson(options.settingsSchema?.() ?? {})}${close}`));
    return dashboard;
  };
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const isPage = PAGE_PATHS.has(req.path);
    const isDashboard = DASHBOARD_PATHS.has(req.path);
    if (isPage || isDashboard) refresh();
    if (!build) return next();
    if (isPage || (isDashboard && build.dashboardHtml !== undefined)) {
      res.setHeader('Content-Security-Policy', PAGE_POLICY);
      send(req, res, isPage ? pageAsset() : dashboardAsset(build.dashboardHtml!), 'no-cache');
      return;
    }
    if (req.path.startsWith(ASSET_PREFIX)) {
      const asset = build.assets.get(req.path.slice(ASSET_PREFIX.length));
      if (asset) {
        send(req, res, asset, 'public, max-age=31536000, immutable');
        return;
      }
    }
    next();
  };
}

/** The route group for app.ts: the editor with this server's data types. */
export function editorRoutes(ctx: ServerContext): Router {
  const router = Router();
  router.use(editorHandler({
    dataTypes: () => ctx.engine.registry.dataTypes().map((type) => ({
      name: type.name,
      ...(type.color !== undefined ? { color: type.color } : {}),
      ...(type.description !== undefined ? { description: type.description } : {}),
    })),
    settingsSchema: settingsJsonSchema,
  }));
  return router;
}
