/**
 * The pack loader's report: which packs were loaded (with the node types each added) and which
 * were skipped, with a stable code and a reason a person can act on.
 */
import type { NodeRegistry } from '../nodes/registry.js';
import type { Logger } from '../nodes/context.js';

/** Where a pack came from: shipped with the engine, a packs folder, or an installed npm package. */
export type PackSource = 'builtin' | 'folder' | 'npm';

export type PackFailureCode = 'pack_load_failed' | 'pack_incompatible' | 'pack_conflict';

export interface LoadedPack {
  name: string;
  version: string;
  /** The semver range of engine versions the pack declares. */
  engine: string;
  description?: string;
  source: PackSource;
  /** The pack's folder. */
  path: string;
  /** Node type ids the pack added, in its declaration order. */
  nodeTypes: string[];
}

export interface FailedPack {
  /** Known when the manifest or the module said it. */
  name?: string;
  path: string;
  source: PackSource;
  code: PackFailureCode;
  reason: string;
}

export interface PackReport {
  loaded: LoadedPack[];
  failed: FailedPack[];
}

export interface LoadPacksOptions {
  registry: NodeRegistry;
  /** Folder whose subfolders are the built-in packs (at run time `dist/nodes`). */
  builtinDir: string;
  /** Folders whose subfolders are community packs. Missing folders are fine. */
  packsDirs: string[];
  /** `node_modules` folders searched for `switchyard-nodes-*` packages and packages with a `switchyard` key. */
  nodeModulesDirs: string[];
  log: Logger;
  /** The engine version packs are checked against (default: this engine's). */
  engineVersion?: string;
}
