/**
 * A graph's whole editable state as one JSON text (what undo steps and inactive tabs keep), and
 * putting such a state back on the canvas. The view (pan and zoom) is not part of it: moving
 * around is not an edit.
 */
import { emptyRunState, resetRunState, setImages, type NodeRunState } from '../graph/run-state.js';
import { statefulNodes, type EditorContext } from './context.js';
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

/**
 * What the nodes of a graph showed from runs (status, time, output images and texts, errors,
 * validation marks), by node id, taken off the nodes so that a graph put back by undo or a tab
 * switch shows them again on the nodes with the same ids.
 */
export type RunStates = Map<string, NodeRunState>;

const showsSomething = (state: NodeRunState) => state.status !== 'idle' || state.images.length > 0 || state.texts.length > 0 || state.validation.length > 0;

/**
 * Takes the run states off the graph's nodes (they are left idle; the images move, they are not
 * released). `leaving`: the graph stops being shown (a tab switch), so a node that was queued or
 * running goes back to idle and drops its live preview — its tab gets no run events while
 * another is shown (live.ts), so it could not finish. An undo keeps them as they are: the
 * run's events keep coming to the same tab.
 */
export function takeRunStates(ctx: EditorContext, leaving: boolean): RunStates {
  const taken: RunStates = new Map();
  for (const node of statefulNodes(ctx.graph)) {
    const state = node.runState;
    if (!showsSomething(state)) continue;
    // The node gets fresh arrays below, so the kept state may own these.
    const kept: NodeRunState = { ...state };
    if (leaving && (kept.status === 'queued' || kept.status === 'running')) {
      kept.status = 'idle';
      kept.progress = undefined;
      if (kept.preview) setImages(kept, [], false);
    }
    taken.set(String(node.id), kept);
    Object.assign(state, emptyRunState());
  }
  return taken;
}

/** Releases run states nobody will show again (their images). */
export function releaseRunStates(states: RunStates | undefined): void {
  for (const state of states?.values() ?? []) resetRunState(state);
  states?.clear();
}

/** Puts run states back on the nodes with the same ids; those whose node is gone are released. */
function giveRunStates(ctx: EditorContext, states: RunStates): void {
  for (const node of statefulNodes(ctx.graph)) {
    const state = states.get(String(node.id));
    if (!state) continue;
    states.delete(String(node.id));
    Object.assign(node.runState, state);
    if (state.status === 'error' || state.validation.length > 0) node.has_errors = true;
  }
  releaseRunStates(states);
}

/**
 * Replaces the graph with `state` (from graphState); the view stays where it is. `runStates`
 * (from takeRunStates) go back on the nodes with the same ids; without them the nodes start idle.
 */
export function showState(ctx: EditorContext, state: string, runStates?: RunStates): void {
  restoring++;
  try {
    clearRunStates(ctx);
    loadWorkflow(ctx.graph, JSON.parse(state), ctx.catalog);
    if (runStates) giveRunStates(ctx, runStates);
  } finally {
    restoring--;
  }
  ctx.canvas.setDirty(true, true);
}
