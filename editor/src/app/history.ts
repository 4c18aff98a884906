/**
 * Undo/redo as a bounded list of serialized graph states (JSON text), one taken after each
 * change. Plain data and functions, no DOM: `index` points at the state the graph shows now;
 * undo moves it back, redo forward, and recording a new state drops whatever was redoable.
 */

export interface History {
  states: string[];
  index: number;
  /** The most states kept; the oldest go first. */
  readonly limit: number;
  /** The state last saved or opened (undoing back to it clears the unsaved-changes marker). */
  clean: string | undefined;
}

export const DEFAULT_HISTORY_LIMIT = 100;

export function createHistory(initial: string, limit = DEFAULT_HISTORY_LIMIT, clean?: string): History {
  return { states: [initial], index: 0, limit: Math.max(2, limit), clean };
}

/** The state the graph shows now. */
export function currentState(history: History): string {
  return history.states[history.index]!;
}

/** Records `state` after a change; answers false when it equals the current one (no change). */
export function recordState(history: History, state: string): boolean {
  if (state === currentState(history)) return false;
  history.states.splice(history.index + 1);
  history.states.push(state);
  if (history.states.length > history.limit) history.states.splice(0, history.states.length - history.limit);
  history.index = history.states.length - 1;
  return true;
}

/** Replaces the current state without a new step (the graph re-serialized a restored state). */
export function replaceCurrent(history: History, state: string): void {
  if (history.clean === currentState(history)) history.clean = state;
  history.states[history.index] = state;
}

/** Forgets every step: `state` becomes the only one (a workflow was opened into this tab). */
export function resetHistory(history: History, state: string, clean?: string): void {
  history.states = [state];
  history.index = 0;
  history.clean = clean;
}

export function canUndo(history: History): boolean {
  return history.index > 0;
}

export function canRedo(history: History): boolean {
  return history.index < history.states.length - 1;
}

/** Steps back; answers the state to show, or undefined when there is nothing to undo. */
export function undoState(history: History): string | undefined {
  if (!canUndo(history)) return undefined;
  history.index--;
  return currentState(history);
}

export function redoState(history: History): string | undefined {
  if (!canRedo(history)) return undefined;
  history.index++;
  return currentState(history);
}

export function isClean(history: History): boolean {
  return history.clean !== undefined && history.clean === currentState(history);
}
