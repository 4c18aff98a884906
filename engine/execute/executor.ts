/**
 * The executor: `createExecutor(options)` gives `run(workflow, options)`, which plans the
 * output nodes (or explicit targets) and their ancestors, takes what it can from the shared
 * cache, runs the rest with independent branches in parallel, and resolves with a RunResult —
 * it never rejects for a node's failure or an interruption, only for a workflow it cannot plan
 * (`invalid_workflow`; validation normally refuses those first).
 */
import { randomUUID } from 'node:crypto';
import { SwitchyardError } from '../errors.js';
import type { ApiWorkflow } from '../graph/api-format.js';
import { compileGraph } from '../schedule/graph.js';
import { FlightTable } from './flights.js';
import { Run, type RunShared } from './run.js';
import type { ModelsHandle } from '../nodes/context.js';
import { resolveSessionOptions } from '../models/providers.js';
import { DEFAULT_CONCURRENCY, type Executor, type ExecutorOptions, type RunOptions, type RunResult } from './types.js';

/** Without a model manager (tests, tools): nodes that need a model get a clear error. */
export const NO_MODELS: ModelsHandle = {
  available: false,
  // The defaults (cpu, min(4, CPUs) intra-op threads, 1 inter-op), for code that opens sessions itself.
  sessionOptions: resolveSessionOptions(),
  use: (id) => Promise.reject(new SwitchyardError('not_available', `cannot load model ${id}: this executor has no model manager`, { model: id })),
};

export type { Executor, ExecutorOptions, RunOptions, RunResult, RunStatus, NodeRunError } from './types.js';
export { DEFAULT_CONCURRENCY } from './types.js';

export function createExecutor(options: ExecutorOptions): Executor {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) {
    throw new SwitchyardError('usage', `concurrency must be a positive integer, got ${String(options.concurrency)}`, { concurrency: options.concurrency });
  }
  const registry = options.registry;
  const shared: RunShared = {
    cache: options.cache,
    folders: options.folders,
    log: options.log,
    models: options.models ?? NO_MODELS,
    concurrency,
    flights: new FlightTable(),
    dataType: (name) => registry.dataType(name),
  };

  return {
    async run(workflow: ApiWorkflow, runOptions: RunOptions = {}): Promise<RunResult> {
      const graph = compileGraph(workflow, registry);
      let targets: number[];
      if (runOptions.targets !== undefined) {
        targets = runOptions.targets.map((id) => {
          const index = graph.indexOf.get(String(id));
          if (index === undefined) throw new SwitchyardError('invalid_workflow', `target node ${String(id)} is not in the workflow`, { nodeId: id });
          return index;
        });
      } else {
        targets = [...graph.outputNodes];
        if (targets.length === 0) {
          throw new SwitchyardError('invalid_workflow', 'the workflow has no output nodes (e.g. Save Image or Preview Image), so nothing would run', {});
        }
      }
      const run = new Run(shared, graph, workflow, runOptions, runOptions.runId ?? randomUUID());
      return run.start(targets);
    },
  };
}
