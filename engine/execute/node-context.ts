/**
 * Builds the NodeContext a running node receives: the run's signal and folders, a logger bound
 * to the run and node ids, and progress / preview reporters that become run events.
 *
 * One context is made per executed node, so it is a small class whose logger and reporter
 * functions are created on first use only (a trivial node pays for none of them). The reporter
 * functions work detached (`const { progress } = ctx`), as pack code often passes them along as
 * callbacks.
 */
import { SwitchyardError } from '../errors.js';
import type { Folders, Logger, ModelsHandle, NodeContext, RunWorkflowInfo } from '../nodes/context.js';
import type { ImageValue } from '../nodes/values.js';

/** What the run offers every node context. */
export interface NodeContextHost {
  readonly runId: string;
  readonly signal: AbortSignal;
  readonly folders: Folders;
  readonly models: ModelsHandle;
  readonly workflow: RunWorkflowInfo;
  /** The run's logger (already bound to the run id). */
  readonly log: Logger;
  reportProgress(nodeIndex: number, done: number, total: number): void;
  reportPreview(nodeIndex: number, image: ImageValue): void;
}

export function interruptedError(runId: string): SwitchyardError {
  return new SwitchyardError('interrupted', `run ${runId} was interrupted`, { runId });
}

class RunNodeContext implements NodeContext {
  private logger: Logger | undefined = undefined;
  private progressFn: ((done: number, total: number) => void) | undefined = undefined;
  private previewFn: ((image: ImageValue) => void) | undefined = undefined;
  private abortCheck: (() => void) | undefined = undefined;

  constructor(
    private readonly host: NodeContextHost,
    private readonly nodeIndex: number,
    readonly nodeId: string,
    private readonly nodeType: string,
  ) {}

  get runId(): string {
    return this.host.runId;
  }

  get signal(): AbortSignal {
    return this.host.signal;
  }

  get folders(): Folders {
    return this.host.folders;
  }

  get models(): ModelsHandle {
    return this.host.models;
  }

  get workflow(): RunWorkflowInfo {
    return this.host.workflow;
  }

  get log(): Logger {
    // pino's child() costs more than a trivial node: made on first use only.
    this.logger ??= this.host.log.child({ nodeId: this.nodeId, nodeType: this.nodeType });
    return this.logger;
  }

  get progress(): (done: number, total: number) => void {
    this.progressFn ??= (done, total) => this.host.reportProgress(this.nodeIndex, done, total);
    return this.progressFn;
  }

  get preview(): (image: ImageValue) => void {
    this.previewFn ??= (image) => this.host.reportPreview(this.nodeIndex, image);
    return this.previewFn;
  }

  get throwIfAborted(): () => void {
    this.abortCheck ??= () => {
      if (this.host.signal.aborted) throw interruptedError(this.host.runId);
    };
    return this.abortCheck;
  }
}

export function createNodeContext(host: NodeContextHost, nodeIndex: number, nodeId: string, nodeType: string): NodeContext {
  return new RunNodeContext(host, nodeIndex, nodeId, nodeType);
}
