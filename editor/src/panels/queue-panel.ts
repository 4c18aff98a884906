/**
 * The Queue tab: recent runs newest first — queued, running and finished — each with its
 * status, workflow name, number, time and duration (ticking while it runs), and Cancel (queued
 * or running) or Re-run (finished). Opening a run shows its details (run-details.ts). Rows are
 * kept across updates and rebuilt only when their run changed, so focus and players survive.
 */
import { button, el } from '../ui/dom.js';
import { runDetails, type RunDetailsActions } from './run-details.js';
import { runName } from './run-names.js';
import type { RunsStore } from './runs-store.js';
import { STATUS_LABEL, runDuration, runTime } from './format.js';
import { FINISHED, type RunListItem } from './run-types.js';

export interface QueueActions extends RunDetailsActions {
  cancel(run: RunListItem): void;
  rerun(run: RunListItem): void;
}

interface Row {
  element: HTMLLIElement;
  signature: string;
}

export interface QueuePanel {
  readonly element: HTMLElement;
  /** Counts of queued and running runs (for the tab's badge). */
  active(): number;
}

function signature(run: RunListItem, expanded: boolean): string {
  return JSON.stringify([run.status, run.duration_ms, run.errors.length, Object.keys(run.outputs).length, run.executed.length, runName(run), expanded]);
}

export function mountQueuePanel(store: RunsStore, actions: QueueActions): QueuePanel {
  const expanded = new Set<string>();
  const rows = new Map<string, Row>();
  const list = el('ul', { className: 'run-list', 'aria-label': 'Runs', 'data-testid': 'run-list' });
  const summary = el('p', { className: 'panel-summary', 'aria-live': 'polite', 'data-testid': 'queue-summary' });
  const problem = el('p', { className: 'panel-error', role: 'alert', hidden: true });
  const more = button('Show more', () => store.showMore(), { className: 'panel-more', 'data-testid': 'queue-more' });
  const element = el('section', { className: 'queue-panel' }, [summary, problem, list, more]);

  function buildRow(run: RunListItem): HTMLLIElement {
    const open = expanded.has(run.id);
    const known = runName(run);
    // API submissions without a name (scripts, ComfyUI clients) have none.
    const name = known ?? 'Unnamed workflow';
    const bodyId = `run-body-${run.id}`;
    const head = button('', () => toggle(run.id), {
      className: 'run-open', 'aria-expanded': String(open), 'aria-controls': bodyId, 'data-testid': 'run-open',
      title: open ? 'Hide the details' : 'Show outputs and errors',
    });
    head.append(
      el('span', { className: `run-status status-${run.status}`, 'data-testid': 'run-status' }, [STATUS_LABEL[run.status] ?? run.status]),
      el('span', { className: `run-name${known === undefined ? ' unnamed' : ''}`, 'data-testid': 'run-name' }, [name]),
      el('span', { className: 'run-meta' }, [`#${run.number} · ${runTime(run.submitted_at)}${run.requeued_from ? ' · re-run' : ''}`]),
      el('span', { className: 'run-duration', 'data-testid': 'run-duration' }, [runDuration(run)]),
    );
    const label = `${name} #${run.number}`;
    const action = FINISHED.has(run.status)
      ? button('Re-run', () => actions.rerun(run), { className: 'run-action', 'data-testid': 'run-rerun', 'aria-label': `Run ${label} again` })
      : button(run.status === 'running' ? 'Stop' : 'Cancel', () => actions.cancel(run), { className: 'run-action danger', 'data-testid': 'run-cancel', 'aria-label': `${run.status === 'running' ? 'Stop' : 'Cancel'} ${label}` });
    const body = el('div', { id: bodyId, className: 'run-body', hidden: !open }, open ? runDetails(run, actions) : []);
    return el('li', { className: 'run-row', 'data-testid': 'run-row', 'data-run-id': run.id, 'data-status': run.status }, [
      el('div', { className: 'run-head' }, [head, action]), body,
    ]);
  }

  function render(): void {
    const focused = document.activeElement instanceof HTMLElement && list.contains(document.activeElement)
      ? { runId: document.activeElement.closest<HTMLElement>('.run-row')?.dataset.runId, testId: document.activeElement.dataset.testid }
      : undefined;
    const seen = new Set<string>();
    const ordered = store.items.map((run) => {
      seen.add(run.id);
      const sig = signature(run, expanded.has(run.id));
      let row = rows.get(run.id);
      if (!row || row.signature !== sig) {
        const element = buildRow(run);
        row?.element.replaceWith(element);
        row = { element, signature: sig };
        rows.set(run.id, row);
      }
      return row.element;
    });
    for (const [id, row] of rows) {
      if (!seen.has(id)) {
        row.element.remove();
        rows.delete(id);
        expanded.delete(id);
      }
    }
    // Moves only what is out of place (appending every row would restart players in them).
    ordered.forEach((item, index) => {
      if (list.children[index] !== item) list.insertBefore(item, list.children[index] ?? null);
    });
    if (focused?.runId && !list.contains(document.activeElement)) {
      rows.get(focused.runId)?.element.querySelector<HTMLElement>(`[data-testid="${focused.testId}"]`)?.focus();
    }
    const queued = store.items.filter((run) => run.status === 'queued').length;
    const running = store.items.filter((run) => run.status === 'running').length;
    summary.textContent = !store.loaded && !store.error
      ? 'Loading runs…'
      : store.items.length === 0
        ? 'No runs yet. Press Run (Ctrl+Enter) to start one.'
        : `${running} running · ${queued} queued · ${store.total} run${store.total === 1 ? '' : 's'} in all`;
    problem.hidden = store.error === undefined;
    problem.textContent = store.error ? `Could not load the runs: ${store.error}` : '';
    more.hidden = store.items.length >= store.total;
  }

  function toggle(runId: string): void {
    if (expanded.has(runId)) expanded.delete(runId);
    else expanded.add(runId);
    render();
    rows.get(runId)?.element.querySelector<HTMLElement>('.run-open')?.focus();
  }

  // Running and queued rows show time passing.
  setInterval(() => {
    if (element.offsetParent === null) return;
    for (const run of store.items) {
      if (run.status !== 'running' && run.status !== 'queued') continue;
      const cell = rows.get(run.id)?.element.querySelector('.run-duration');
      if (cell) cell.textContent = runDuration(run);
    }
  }, 1000);

  store.subscribe(render);
  render();
  return {
    element,
    active: () => store.items.filter((run) => run.status === 'queued' || run.status === 'running').length,
  };
}
