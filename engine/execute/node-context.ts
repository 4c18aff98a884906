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
  /** The type id of the node at `nodeIndex` (for its logger's bindings). */
  nodeTypeName(nodeIndex: number): string;
  reportProgress(nodeIndex: number, done: number, total: number): void;
  reportPreview(nodeIndex: number, image: ImageValue): void;
}

export function interruptedError(runId: string): SwitchyardError {
  return new SwitchyardError('interrupted', `run ${runId} was interrupted`, { runId });
}

/** What a context makes on first use (most nodes use none of it). */
interface ContextExtras {
  logger?: Logger;
  progress?: (done: number, total: number) => void;
  preview?: (image: ImageValue) => void;
  throwIfAborted?: () => void;
}

class RunNodeContext implements NodeContext {
  // Three fields: one context is made per executed node and it may outlive the node (a callback
  // it handed on), so it stays small; what is made on first use lives in `extras`.
  private extras: ContextExtras | undefined = undefined;

  constructor(
    private readonly host: NodeContextHost,
    private readonly nodeIndex: number,
    readonly nodeId: string,
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
    const extras = (this.extras ??= {});
    // pino's child() costs more than a trivial node: made on first use only.
    extras.logger ??= this.host.log.child({ nodeId: this.nodeId, nodeType: this.host.nodeTypeName(this.nodeIndex) });
    return extras.logger;
  }

  get progress(): (done: number, total: number) => void {
    const extras = (this.extras ??= {});
    extras.progress ??= (done, total) => this.host.reportProgress(this.nodeIndex, done, total);
    return extras.progress;
  }

  get preview(): (image: ImageValue) => void {
    const extras = (this.extras ??= {});
    extras.preview ??= (image) => this.host.reportPreview(this.nodeIndex, image);
    return extras.preview;
  }

  get throwIfAborted(): () => void {
    const extras = (this.extras ??= {});
    extras.throwIfAborted ??= () => {
      if (this.host.signal.aborted) throw interruptedError(this.host.runId);
    };
    return extras.throwIfAborted;
  }
}

export function createNodeContext(host: NodeContextHost, nodeIndex: number, nodeId: string): NodeContext {
  return new RunNodeContext(host, nodeIndex, nodeId);
}
