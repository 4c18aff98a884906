/**
 * Installs the `switchyard` resolution hook (see api-hook.ts) once per process, before the
 * first pack is imported.
 */
import { register } from 'node:module';
import type { ApiHookData } from './api-hook.js';

let registered = false;

/** The file: URL a pack's `import 'switchyard'` resolves to. */
export const PUBLIC_API_URL = new URL('../nodes/index.js', import.meta.url).href;

export function ensurePublicApiResolution(): void {
  if (registered) return;
  registered = true;
  register<ApiHookData>(new URL('./api-hook.js', import.meta.url), { data: { target: PUBLIC_API_URL } });
}
