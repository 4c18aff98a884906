/**
 * The one way a workflow enters the queue from the server: native `POST /api/runs`, saved
 * workflow runs, ComfyUI's `POST /prompt` and the legacy routes all come through here. The
 * workflow (either format) is parsed, overridden with `params`, validated against the registry
 * — an invalid one never reaches the queue — and submitted; the answer carries its queue place.
 */
import { SwitchyardError } from '../../errors.js';
import type { CheckResult } from '../../runtime/check.js';
import type { ParamOverrides } from '../../runtime/params.js';
import type { RunRecord } from '../../queue/types.js';
import type { ServerContext } from '../context.js';

export interface SubmitRequest {
  workflow: unknown;
  params?: ParamOverrides;
  clientId?: string;
  priority?: number;
  front?: boolean;
  /** A client-chosen run id (ComfyUI's `prompt_id`). */
  id?: string;
  /** Run only these output nodes (and their ancestors). */
  outputs?: string[];
  extra?: Record<string, unknown>;
  /** The saved (UI) workflow to embed into outputs when `workflow` is in API format. */
  saved?: unknown;
  /** The workflow's name, shown in queues and history. */
  name?: string;
}

export type SubmitOutcome =
  | { ok: true; record: RunRecord; position: number | undefined; check: CheckResult }
  | { ok: false; check: CheckResult };

export async function submitWorkflow(ctx: ServerContext, request: SubmitRequest): Promise<SubmitOutcome> {
  if (ctx.closing) throw new SwitchyardError('unavailable', 'the server is shutting down and takes no new runs');
  const check = await ctx.engine.check(request.workflow, { params: request.params, outputs: request.outputs });
  if (!check.valid || check.workflow === undefined) return { ok: false, check };
  if (request.id !== undefined && (await ctx.queue.get(request.id)) !== undefined) {
    throw new SwitchyardError('conflict', `a run with id ${request.id} already exists`, { id: request.id });
  }
  const record = await ctx.queue.submit({
    id: request.id,
    workflow: check.workflow,
    saved: request.saved ?? check.saved,
    name: request.name,
    params: request.params,
    targets: request.outputs,
    clientId: request.clientId,
    extra: request.extra,
    priority: request.priority ?? 0,
    front: request.front ?? false,
  });
  return { ok: true, record, position: await ctx.queue.position(record.id), check };
}

/** Every problem of an invalid workflow, counted, for the native 400 answer. */
export function invalidWorkflowError(check: CheckResult): SwitchyardError {
  const nodeProblems = Object.values(check.nodeErrors).reduce((sum, entry) => sum + entry.errors.length, 0);
  const count = nodeProblems + check.errors.length;
  const first = check.errors[0]?.message ?? Object.values(check.nodeErrors)[0]?.errors[0]?.message ?? 'the workflow is invalid';
  return new SwitchyardError('invalid_workflow', count === 1 ? first : `the workflow has ${count} problems; first: ${first}`, { errors: check.errors, node_errors: check.nodeErrors });
}
