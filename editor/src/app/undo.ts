/**
 * Undo and redo for the graph on the canvas: shortly after each edit (a widget value, a link, a
 * node added or removed, a move, a paste...) the graph's state is recorded in the current
 * tab's history; undo and redo put an earlier or later state back. Edits are noticed from the
 * editor's change signals and from the end of each pointer gesture or key press on the page,
 * so a drag is one step, not one per pointer move.
 */
import type { EditorContext } from './context.js';
import { graphState, isRestoring, showState, takeRunStates } from './graph-state.js';
import { canRedo, canUndo, isClean, recordState, redoState, replaceCurrent, undoState, type History } from './history.js';

/** Quiet time after a change signal outside a gesture (typing into a text widget, say). */
const SETTLE_MS = 200;

export interface UndoRecorder {
  /** Takes a state after `delayMs` (coalescing signals that come together). */
  schedule(delayMs?: number): void;
  /** Takes a state now if the graph changed (before undo, a tab switch, a save). */
  flush(): void;
  undo(): boolean;
  redo(): boolean;
  canUndo(): boolean;
  canRedo(): boolean;
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

/** `history` answers the current tab's history; `changed` is told when undo/redo availability may have changed. */
export function createUndoRecorder(ctx: EditorContext, history: () => History, changed: () => void): UndoRecorder {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pointerDown = false;

  const take = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    if (recordState(history(), graphState(ctx))) changed();
  };
  let due = 0;
  const schedule = (delayMs = SETTLE_MS) => {
    if (isRestoring()) return;
    // A pending take that comes sooner stays: a later signal never postpones a gesture's step.
    const at = performance.now() + delayMs;
    if (timer !== undefined && due <= at) return;
    if (timer !== undefined) clearTimeout(timer);
    due = at;
    // During a drag the pointer's release schedules again: one step per gesture.
    timer = setTimeout(() => {
      timer = undefined;
      if (!pointerDown) take();
    }, delayMs);
  };
  /** The end of a gesture or key press: its edit (if any) is one step, taken right after. */
  const gestureEnded = () => schedule(0);
  const show = (state: string | undefined): boolean => {
    if (state === undefined) return false;
    // What the nodes showed from runs stays on the nodes that are still there.
    showState(ctx, state, takeRunStates(ctx, false));
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const current = history();
    replaceCurrent(current, graphState(ctx));
    ctx.modified = !isClean(current);
    ctx.onWorkflowChange();
    changed();
    return true;
  };

  ctx.noteEdit = () => schedule();
  const previousAfterChange = ctx.graph.onAfterChange;
  ctx.graph.onAfterChange = (graph, info) => {
    previousAfterChange?.call(ctx.graph, graph, info);
    schedule();
  };
  const element = ctx.canvas.canvas;
  // A new gesture or key press starts a new step: what is pending belongs to the one before.
  window.addEventListener('pointerdown', () => {
    if (timer !== undefined) take();
  }, true);
  window.addEventListener('keydown', () => {
    if (timer !== undefined) take();
  }, true);
  element.addEventListener('pointerdown', () => {
    pointerDown = true;
  });
  for (const type of ['pointerup', 'pointercancel']) {
    window.addEventListener(type, () => {
      pointerDown = false;
      gestureEnded();
    });
  }
  window.addEventListener('keyup', (event) => {
    if (!isTyping(event.target)) gestureEnded();
  });

  return {
    schedule,
    flush: take,
    undo() {
      this.flush();
      return show(undoState(history()));
    },
    redo() {
      this.flush();
      return show(redoState(history()));
    },
    canUndo: () => canUndo(history()),
    canRedo: () => canRedo(history()),
  };
}
