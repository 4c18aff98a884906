/**
 * The composition root: one engine per process. It owns the registry (filled by the pack
 * loader), the shared output cache and the executor, and offers `check` and `run` to the CLI
 * and (later) the server.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { NodeRegistry } from '../nodes/registry.js';
import type { Logger } from '../nodes/context.js';
import { loadPacks, type PackReport } from '../packs/loader.js';
import { prepareDataFolders, type DataFolders } from '../store/folders.js';
import { OutputCache } from '../cache/output-cache.js';
import { createExecutor, type Executor, type RunResult } from '../execute/executor.js';
import type { RunEvent } from '../execute/events.js';
import { SwitchyardError } from '../errors.js';
import { ENGINE_VERSION } from '../version.js';
import { checkWorkflow, type CheckOptions, type CheckResult } from './check.js';
import { ModelManager, modelsHandle } from '../models/manager.js';
import { layerSessionSettings, providerProblem, resolveSessionOptions, sessionSettingsFromEnv, type SessionSettings } from '../models/providers.js';
import type { ResolvedSessionOptions } from '../models/session.js';

/** dist/engine/runtime → dist/nodes: the built-in packs, loaded like any community pack. */
export const BUILTIN_PACKS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'nodes');

export interface EngineOptions {
  dataDir: string;
  log: Logger;
  /** Extra folders of community packs (default: `<data>/packs` and `SWITCHYARD_PACKS`, colon-separated). */
  packsDirs?: string[];
  /** node_modules folders searched for `switchyard-nodes-*` packages (default: the working directory's). */
  nodeModulesDirs?: string[];
  /** Byte budget of the output cache (default 1 GiB, env `SWITCHYARD_CACHE_BYTES`). */
  cacheBytes?: number;
  /** How many independent nodes may run at once (default 4, env `SWITCHYARD_CONCURRENCY`). */
  concurrency?: number;
  /** Model manager limits (default: no byte or count limit, never idle-unloaded). */
  models?: { memoryBudgetBytes?: number | null; maxLoaded?: number | null; idleMs?: number | null };
  /**
   * Execution providers and thread counts for model sessions (the settings' keys); a key not
   * given comes from `SWITCHYARD_EXECUTION_PROVIDERS` / `SWITCHYARD_INTRA_OP_THREADS` /
   * `SWITCHYARD_INTER_OP_THREADS`, else the defaults (`['cpu']`, `min(4, CPUs)`, 1).
   */
  sessionSettings?: Partial<SessionSettings>;
}

export interface RunRequest extends CheckOptions {
  runId?: string;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

export type EngineRunResult =
  | { kind: 'invalid'; check: CheckResult }
  | { kind: 'ran'; check: CheckResult; result: RunResult };

export interface Engine {
  readonly version: string;
  readonly registry: NodeRegistry;
  readonly packs: PackReport;
  readonly folders: DataFolders;
  readonly cache: OutputCache;
  readonly executor: Executor;
  /** Loaded models (sessions), shared by every run; nodes reach it as `ctx.models`. */
  readonly models: ModelManager<unknown>;
  /** What model sessions open with (`ctx.models.sessionOptions`); fixed for the engine's life. */
  readonly sessionOptions: ResolvedSessionOptions;
  readonly log: Logger;
  check(input: unknown, options?: CheckOptions): Promise<CheckResult>;
  run(input: unknown, request?: RunRequest): Promise<EngineRunResult>;
}

function positiveIntFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new SwitchyardError('usage', `${name} must be a positive integer, got "${raw}"`);
  return value;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const folders = await prepareDataFolders(options.dataDir);
  const registry = new NodeRegistry();
  const envPacks = (process.env.SWITCHYARD_PACKS ?? '').split(':').filter(Boolean).map((p) => resolve(p));
  const packs = await loadPacks({
    registry,
    builtinDir: BUILTIN_PACKS_DIR,
    packsDirs: options.packsDirs ?? [folders.packs, ...envPacks],
    nodeModulesDirs: options.nodeModulesDirs ?? [join(process.cwd(), 'node_modules')],
    log: options.log,
    engineVersion: ENGINE_VERSION,
  });
  const cache = new OutputCache({ maxBytes: options.cacheBytes ?? positiveIntFromEnv('SWITCHYARD_CACHE_BYTES') ?? 1024 ** 3 });
  const models = new ModelManager<unknown>({ ...options.models, log: options.log });
  const sessionOptions = resolveSessionOptions(layerSessionSettings(sessionSettingsFromEnv(), options.sessionSettings));
  // Not fatal: the engine starts (health shows what is available) and each model load fails with this error.
  const problem = providerProblem(sessionOptions.providers);
  if (problem) options.log.warn({ code: problem.code, ...problem.details }, `${problem.message} Until this is changed, every model load fails with this error.`);
  const executor = createExecutor({
    registry,
    cache,
    folders,
    models: modelsHandle(models, sessionOptions),
    log: options.log,
    concurrency: options.concurrency ?? positiveIntFromEnv('SWITCHYARD_CONCURRENCY') ?? 4,
  });
  const check = (input: unknown, checkOptions: CheckOptions = {}) => checkWorkflow(input, registry, folders, checkOptions);
  return {
    version: ENGINE_VERSION,
    registry,
    packs,
    folders,
    cache,
    executor,
    models,
    sessionOptions,
    log: options.log,
    check,
    async run(input, request = {}) {
      const checked = await check(input, request);
      if (!checked.valid || !checked.workflow) return { kind: 'invalid', check: checked };
      const result = await executor.run(checked.workflow, {
        runId: request.runId ?? randomUUID(),
        signal: request.signal,
        onEvent: request.onEvent,
        targets: request.outputs,
        workflowInfo: { prompt: checked.workflow.nodes, workflow: checked.saved },
      });
      return { kind: 'ran', check: checked, result };
    },
  };
}
