/**
 * `GET /` until the browser editor exists: a small page that says the server is up and links
 * to the API reference, the OpenAPI document and health. When an editor build is present
 * (`editor/dist/index.html`) this page steps aside and `/` falls through to whatever serves
 * the editor, so the editor takes `/` over without touching this module.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_VERSION } from '../../version.js';
import { escapeHtml } from './reference-page.js';

/** Where the editor's build lands (dist/engine/server/openapi → repository root → editor/dist). */
export const EDITOR_INDEX = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'editor', 'dist', 'index.html');

export function editorBuildPresent(index = EDITOR_INDEX): boolean {
  return existsSync(index);
}

export function landingPage(): string {
  const version = escapeHtml(ENGINE_VERSION);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Switchyard ${version}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;color:#1b1f24;background:#fff;max-width:720px;margin:40px auto;padding:0 16px}a{color:#0b57d0}code{background:#f3f5f7;padding:1px 4px;border-radius:3px}</style></head>
<body><main><h1>Switchyard <small>${version}</small></h1>
<p>The server is running. The browser editor comes in a later version; until then, use the HTTP API, the <code>switchyard</code> CLI, or ComfyUI clients pointed at this address.</p>
<ul><li><a href="/api/docs">API reference</a> (<a href="/openapi.json">openapi.json</a>, OpenAPI 3.1)</li><li><a href="/api/health">Health</a></li><li><a href="/api/nodes">Node definitions</a></li><li><a href="/api/workflows">Saved workflows</a></li><li><a href="/metrics">Metrics (Prometheus)</a></li></ul>
<p>Submit a workflow with <code>POST /api/runs {"workflow": …}</code> and follow it live over socket.io or ComfyUI's <code>/ws</code>.</p></main></body></html>`;
}
