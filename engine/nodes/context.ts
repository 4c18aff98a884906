/**
 * What a running node may touch: cancellation, progress, previews, a logger, the folders of the
 * data directory and (later) the model manager. Nodes never reach into the engine otherwise.
 */
import type { ImageValue } from './values.js';
import type { ResolvedSessionOptions } from '../models/session.js';

/** The data folder's parts every node may use. */
export interface Folders {
  /** Where uploaded / user-provided inputs live (LoadImage reads here). */
  input: string;
  /** Where output nodes write results. */
  output: string;
  /** Scratch space (previews, intermediate files); files here may be removed at any time. */
  temp: string;
  /** Model folders root. */
  models: string;
}

/** Structured logger (pino-compatible subset). */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/** A model as a loader hands it to the manager: the value, its memory, and how to free it. */
export interface LoadedModel<T> {
  value: T;
  /** Memory it holds (estimated: the weights' bytes). */
  bytes: number;
  release(): Promise<void>;
}

/** Handle to the engine's model manager (LRU by memory, single-flight loads, idle unload). */
export interface ModelsHandle {
  readonly available: boolean;
  /**
   * The options model sessions open with on this engine — execution providers in order and
   * thread counts, from the settings (`executionProviders`, `intraOpThreads`,
   * `interOpThreads`): loaders pass them to `openSession`.
   */
  readonly sessionOptions: ResolvedSessionOptions;
  /**
   * Runs `fn` with model `id` loaded (by `loader`, once, however many nodes ask at the same
   * time) and held: it is not evicted while `fn` runs.
   */
  use<T, R>(id: string, loader: (id: string) => Promise<LoadedModel<T>>, fn: (value: T) => Promise<R> | R): Promise<R>;
}

/** The workflow being run, as output nodes embed it into files. */
export interface RunWorkflowInfo {
  /** The API-format workflow (what ComfyUI calls the prompt). */
  prompt: unknown;
  /** The saved (UI) workflow, when the run came from one. */
  workflow?: unknown;
}

export interface OptionsContext {
  folders: Folders;
}

export interface FingerprintContext {
  folders: Folders;
  nodeId: string;
}

export interface NodeContext {
  readonly runId: string;
  readonly nodeId: string;
  /** Aborted when the run is interrupted: long nodes check it between steps. */
  readonly signal: AbortSignal;
  readonly folders: Folders;
  readonly log: Logger;
  readonly models: ModelsHandle;
  readonly workflow: RunWorkflowInfo;
  /** Reports progress of a long node (e.g. sampling steps). */
  progress(done: number, total: number): void;
  /** Shows an intermediate image (rate-limited by subscribers). */
  preview(image: ImageValue): void;
  /** Throws the interruption error when the run was interrupted. */
  throwIfAborted(): void;
}
