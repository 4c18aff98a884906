/**
 * The bridge from a queued run to the engine's executor: runs the record's workflow under the
 * record's id (so every event carries it), with its targets, embedding the workflow (and the
 * saved editor file it came from) into output files the way `engine.run` does.
 */
import type { Executor } from '../execute/types.js';
import type { ExecuteRun } from './types.js';

export function executeWithExecutor(executor: Executor): ExecuteRun {
  return (record, { signal, onEvent }) =>
    executor.run(record.workflow, {
      runId: record.id,
      signal,
      onEvent,
      targets: record.targets,
      workflowInfo: { prompt: record.workflow.nodes, workflow: record.saved },
    });
}
