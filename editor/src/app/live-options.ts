/**
 * Combo options that follow the server (the files in the input folder, the model folders):
 * the node definitions are fetched again when the window regains focus and after each run of
 * this tab (a 304 from the browser's cache when nothing changed), and every COMBO input's
 * options are updated in place — in the descriptions, so new nodes and other tabs get them, and
 * in the widgets of the nodes on the canvas. A value that is no longer listed stays as it is:
 * the server's validation says what is wrong with it when the workflow runs.
 */
import type { LGraph } from '@comfyorg/litegraph';
import { getJson } from '../api.js';
import type { NodeDescription } from '../wire.js';
import type { EditorContext } from './context.js';
import type { LiveClient } from './live.js';

function sameList(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Copies the COMBO options of `fresh` into `descriptions` (same types); answers the types whose options changed. */
export function applyComboOptions(descriptions: readonly NodeDescription[], fresh: readonly NodeDescription[]): Set<string> {
  const byType = new Map(fresh.map((description) => [description.type, description]));
  const changed = new Set<string>();
  for (const description of descriptions) {
    const update = byType.get(description.type);
    if (!update) continue;
    for (const input of description.inputs) {
      if (input.type !== 'COMBO') continue;
      const options = update.inputs.find((candidate) => candidate.name === input.name)?.options;
      if (options === undefined || sameList(input.options, options)) continue;
      input.options = [...options];
      changed.add(description.type);
    }
  }
  return changed;
}

/** Gives the combo widgets of nodes of the `changed` types their description's options. */
export function refreshComboWidgets(graph: LGraph, changed: ReadonlySet<string>): number {
  let updated = 0;
  for (const node of graph._nodes) {
    const description = (node as { description?: NodeDescription }).description;
    if (!description || !changed.has(description.type)) continue;
    for (const input of description.inputs) {
      if (input.type !== 'COMBO' || !input.options) continue;
      const widget = node.widgets?.find((candidate) => candidate.name === input.name);
      if (!widget || widget.type !== 'combo' || !widget.options) continue;
      (widget.options as { values?: unknown }).values = [...input.options];
      updated++;
    }
  }
  return updated;
}

const MIN_INTERVAL_MS = 2000;

/** Keeps combo options current while the editor is open. Answers `refresh` (for tests and the console). */
export function followServerOptions(ctx: EditorContext, live: LiveClient): () => Promise<void> {
  let last = 0;
  let pending: Promise<void> | undefined;
  const refresh = async () => {
    const fresh = await getJson<NodeDescription[]>('/api/nodes');
    const changed = applyComboOptions(ctx.descriptions, fresh);
    if (changed.size > 0 && refreshComboWidgets(ctx.graph, changed) > 0) ctx.canvas.setDirty(true, false);
  };
  const soon = () => {
    if (pending || Date.now() - last < MIN_INTERVAL_MS) return;
    last = Date.now();
    pending = refresh()
      // A failed refresh keeps the options there are; the next focus or run tries again.
      .catch((error: unknown) => ctx.status(`Could not refresh the node options (model and file lists): ${error instanceof Error ? error.message : String(error)}`, 'error'))
      .finally(() => {
        pending = undefined;
      });
  };
  window.addEventListener('focus', soon);
  live.onRunEnded(soon);
  return refresh;
}
