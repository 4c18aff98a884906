/**
 * The runs dock (the editor's right-hand side panel): the Queue and the Gallery over one live
 * list of recent runs, the error details panel (from a run in the queue, or from a failed
 * node's context menu), and the lightbox. main.ts mounts it with the editor's context, its
 * live client, and how to open a workflow into the canvas.
 */
import './panels.css';
import type { EditorContext } from '../app/context.js';
import type { LiveClient } from '../app/live.js';
import { mountDock, type Dock } from './dock.js';
import { showErrorDetails } from './error-details.js';
import { mountGalleryPanel } from './gallery-panel.js';
import { openLightbox } from './lightbox.js';
import { outputItems } from './media.js';
import { showNodeOnCanvas, trackNodeErrors, type NodeErrors } from './node-errors.js';
import { mountQueuePanel } from './queue-panel.js';
import { runName } from './run-names.js';
import { cancelRun, getRun, requeueRun } from './runs-api.js';
import { createRunsStore, type RunsStore } from './runs-store.js';
import type { OutputItem, RunListItem } from './run-types.js';

export interface RunPanelsOptions {
  ctx: EditorContext;
  live: LiveClient;
  /** Replaces the canvas's workflow with `data` (either format); false when it could not. */
  openWorkflow(data: unknown, source: string): boolean;
}

export interface RunPanels {
  readonly dock: Dock;
  readonly store: RunsStore;
  readonly nodeErrors: NodeErrors;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function mountRunPanels(host: HTMLElement, options: RunPanelsOptions): RunPanels {
  const { ctx, live } = options;
  const store = createRunsStore(live.socket);
  const nodeErrors = trackNodeErrors(ctx, live);
  live.onFollow(() => store.refresh());
  live.onRunEnded(() => store.refresh());

  const label = (run: { number: number; name: string | null }) => {
    const name = runName(run);
    return name === undefined ? `run #${run.number}` : `“${name}” #${run.number}`;
  };
  const loadWorkflowOf = async (runId: string) => {
    try {
      const run = await getRun(runId);
      // The editor workflow it was sent as keeps the layout; API-format submissions are laid out afresh.
      options.openWorkflow(run.saved ?? run.workflow, `the workflow of ${label(run)}`);
    } catch (error) {
      ctx.status(`Could not load the workflow of that run: ${message(error)}`, 'error');
    }
  };
  const loadWorkflow = (item: OutputItem) => void loadWorkflowOf(item.runId);
  const openIn = (items: () => readonly OutputItem[]) => (item: OutputItem) => {
    const list = items();
    openLightbox(list, Math.max(0, list.indexOf(item)), { loadWorkflow });
  };

  const gallery = mountGalleryPanel(store, { open: (item) => openIn(() => gallery.items())(item), loadWorkflow });
  const queue = mountQueuePanel(store, {
    // Cards in a run's details step through that run's outputs.
    open: (item) => {
      const run = store.items.find((entry) => entry.id === item.runId);
      const items = run ? outputItems(run) : [item];
      openLightbox(items, Math.max(0, items.findIndex((entry) => entry.file?.url === item.file?.url && entry.nodeId === item.nodeId && entry.text === item.text)), { loadWorkflow });
    },
    loadWorkflow,
    loadRunWorkflow: (run) => void loadWorkflowOf(run.id),
    showError: (error, run) => showErrorDetails(error, { run, showNode: (id) => showNodeOnCanvas(ctx, id) }),
    cancel: (run: RunListItem) => {
      cancelRun(run.id).then((answer) => {
        const said = { cancelled: `Cancelled ${label(run)}`, interrupting: `Stopping ${label(run)}…`, already_finished: `${label(run)} had already finished` }[answer.outcome];
        ctx.status(said, answer.outcome === 'already_finished' ? 'info' : 'ok');
        store.refresh();
      }, (error: unknown) => ctx.status(`Could not cancel ${label(run)}: ${message(error)}`, 'error'));
    },
    rerun: (run: RunListItem) => {
      requeueRun(run.id).then((answer) => {
        ctx.status(`Queued ${label(run)} again as #${answer.number}`, 'ok');
        store.refresh();
      }, (error: unknown) => ctx.status(`Could not re-run ${label(run)}: ${message(error)}`, 'error'));
    },
  });

  const dock = mountDock(host, [
    { id: 'queue', label: 'Queue', panel: queue.element },
    { id: 'gallery', label: 'Gallery', panel: gallery.element },
  ]);
  // Kept live while folded too (the Queue tab's count shows on the strip); idle in a hidden tab.
  document.addEventListener('visibilitychange', () => store.setActive(!document.hidden));
  store.subscribe(() => {
    const active = queue.active();
    dock.setBadge('queue', active > 0 ? String(active) : '');
  });
  return { dock, store, nodeErrors };
}
