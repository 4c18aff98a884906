/**
 * What an opened run in the queue shows: what ran (executed, cached, skipped), when, its
 * errors (each with a button to the error details panel), its outputs as cards, and a button
 * to load the workflow it ran.
 */
import { button, el } from '../ui/dom.js';
import { describeError, runTime } from './format.js';
import { mediaCard, type CardActions } from './media-card.js';
import { outputItems } from './media.js';
import type { RunErrorDetail, RunListItem } from './run-types.js';

export interface RunDetailsActions extends CardActions {
  showError(error: RunErrorDetail, run: RunListItem): void;
  loadRunWorkflow(run: RunListItem): void;
}

function progressLine(run: RunListItem): string {
  const parts = [`${run.executed.length} ran`, `${run.cached.length} cached`];
  if (run.skipped.length > 0) parts.push(`${run.skipped.length} skipped`);
  parts.push(`submitted ${runTime(run.submitted_at)}`);
  return parts.join(' · ');
}

export function runDetails(run: RunListItem, actions: RunDetailsActions): HTMLElement[] {
  if (run.status === 'queued') return [el('p', { className: 'panel-note' }, ['Waiting in the queue.'])];
  const items = outputItems(run);
  const errors = run.errors.map((error) => el('li', { className: 'run-error', 'data-testid': 'run-error' }, [
    el('code', {}, [error.code]),
    el('span', { className: 'run-error-message' }, [describeError(error)]),
    button('Details', () => actions.showError(error, run), { 'data-testid': 'run-error-details', 'aria-label': `Error details: ${describeError(error)}` }),
  ]));
  const parts: (HTMLElement | null)[] = [
    el('p', { className: 'panel-note' }, [progressLine(run)]),
    errors.length > 0 ? el('ul', { className: 'run-errors', 'aria-label': 'Errors' }, errors) : null,
    items.length > 0
      ? el('div', { className: 'media-grid', 'aria-label': 'Outputs' }, items.map((item) => mediaCard(item, actions)))
      : el('p', { className: 'panel-note' }, [run.status === 'running' ? 'No outputs yet.' : 'No outputs.']),
    el('div', { className: 'run-detail-actions' }, [
      button('Load workflow', () => actions.loadRunWorkflow(run), { 'data-testid': 'run-load-workflow', title: 'Replace the canvas with the workflow this run ran' }),
    ]),
  ];
  return parts.filter((part): part is HTMLElement => part !== null);
}
