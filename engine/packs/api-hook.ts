/**
 * Module resolution hook (runs on Node's loader thread): the bare specifier `switchyard`
 * resolves to the running engine's public node API, so a community pack in a packs folder or
 * node_modules can `import { definePack, defineNode } from 'switchyard'` without installing
 * its own copy — and shares the engine's one instance (same ENGINE_VERSION, same error class).
 */
import type { InitializeHook, ResolveHook } from 'node:module';

export interface ApiHookData {
  /** file: URL of dist/engine/nodes/index.js. */
  target: string;
}

let target: string | undefined;

export const initialize: InitializeHook<ApiHookData> = (data) => {
  target = data.target;
};

export const resolve: ResolveHook = (specifier, context, nextResolve) => {
  if (specifier === 'switchyard' && target !== undefined) return { url: target, shortCircuit: true };
  return nextResolve(specifier, context);
};
