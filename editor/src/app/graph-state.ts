/**
 * A graph's whole editable state as one JSON text (what undo steps and inactive tabs keep), and
 * putting such a state back on the canvas. The view (pan and zoom) is not part of it: moving
 * around is not an edit.
 */
import type { EditorContext } from './context.js';
import { clearRunStates } from './live.js';
import { loadWorkflow, savedWorkflow } from './workflow-io.js';

/** The current graph as the saved workflow's JSON text, minus what changes without an edit. */
export function graphState(ctx: EditorContext): string {
  const data = savedWorkflow(ctx.graph);
  delete data.revision;
  const extra = data.extra as Record<string, unknown>;
  delete extra.ds;
  return JSON.stringify(data);
}

let restoring = 0;

/** Whether a state is being put back (the change events that fires are not edits). */
export function isRestoring(): boolean {
  return restoring > 0;
}

/** Replaces the graph with `state` (from graphState); the view stays where it is. */
export function showState(ctx: EditorContext, state: string): void {
  restoring++;
  try {
    clearRunStates(ctx);
    loadWorkflow(ctx.graph, JSON.parse(state), ctx.catalog);
  } finally {
    restoring--;
  }
  ctx.canvas.setDirty(true, true);
}
