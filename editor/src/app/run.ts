/**
 * Running the graph: it is sent as a saved workflow to `POST /api/runs` (the server converts it
 * itself) with this tab's client id. A 400 `invalid_workflow` names every problem per node:
 * each offending node gets a red outline, its messages, and a mark on the offending input; a
 * problem of the whole workflow goes to the status line. After a run is queued, seeds advance
 * by their "control after generate" mode.
 */
import { ApiError, sendJson } from '../api.js';
import { EditorNode } from '../graph/editor-node.js';
import type { NodeErrors, SubmitRunResponse, ValidationIssue } from '../wire.js';
import { markModified, redraw, shownNode, statefulNodes, type EditorContext } from './context.js';
import { clearRunStates, type LiveClient } from './live.js';
import { savedWorkflow } from './workflow-io.js';

/** Marks the nodes the server named; answers how many problems were shown. */
export function showValidationErrors(ctx: EditorContext, details: Record<string, unknown>): number {
  const nodeErrors = (details.node_errors ?? {}) as Record<string, NodeErrors>;
  const general = (details.errors ?? []) as ValidationIssue[];
  let count = 0;
  // A problem of an inner node of a subgraph ("<instance>:<inner>") shows on the instance, without
  // an input mark (the input is the inner node's).
  const mark = (shown: ReturnType<typeof shownNode>, issue: ValidationIssue) => {
    if (!shown) return;
    shown.node.has_errors = true;
    shown.node.runState.validation.push({ message: issue.message, ...(issue.input !== undefined && shown.exact ? { input: issue.input } : {}) });
  };
  for (const [id, entry] of Object.entries(nodeErrors)) {
    const shown = shownNode(ctx.graph, id);
    if (!shown) continue;
    for (const issue of entry.errors) mark(shown, issue);
    count += entry.errors.length;
  }
  for (const issue of general) {
    if (issue.nodeId !== undefined) mark(shownNode(ctx.graph, issue.nodeId), issue);
    count++;
  }
  const first = general[0]?.message ?? Object.values(nodeErrors)[0]?.errors[0]?.message ?? 'the workflow is invalid';
  ctx.status(count === 1 ? `Not run: ${first}` : `Not run: ${count} problems; first: ${first}`, 'error');
  redraw(ctx);
  return count;
}

function advanceSeeds(ctx: EditorContext): void {
  let changed = false;
  for (const node of statefulNodes(ctx.graph)) if (node instanceof EditorNode && node.applyControlModes()) changed = true;
  if (changed) {
    markModified(ctx);
    redraw(ctx);
  }
}

export async function runGraph(ctx: EditorContext, live: LiveClient): Promise<SubmitRunResponse | undefined> {
  clearRunStates(ctx);
  if (ctx.graph._nodes.length === 0) {
    ctx.status('Nothing to run: add nodes from the palette first.', 'info');
    return undefined;
  }
  ctx.status('Submitting…', 'busy');
  try {
    const answer = await sendJson<SubmitRunResponse>('POST', '/api/runs', { workflow: savedWorkflow(ctx.graph), client_id: ctx.clientId, name: ctx.workflowName });
    ctx.status(answer.position ? `Queued (${answer.position} ahead)` : 'Queued', 'busy');
    live.follow(answer.id);
    advanceSeeds(ctx);
    return answer;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'invalid_workflow') showValidationErrors(ctx, error.details);
    else ctx.status(`Could not submit: ${error instanceof Error ? error.message : String(error)}`, 'error');
    return undefined;
  }
}
