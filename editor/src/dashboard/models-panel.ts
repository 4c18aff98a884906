/**
 * Loaded models with an Unload button each, and "Unload all"; the models found in the models
 * folder below. Each unload says plainly what happened: unloaded (200), pending because a
 * running node holds the model (202: it goes at the last release), or not loaded (404: it was
 * gone already, perhaps by its idle limit or another client).
 */
import { ApiError, getJson, sendJson } from '../api.js';
import { button, el } from '../ui/dom.js';
import { describeError } from './connection.js';
import { formatBytes, formatClock } from './format.js';
import { badge, card, messageLine, muted, showMessage, table } from './view.js';
import type { ModelsReport, UnloadAllAnswer, UnloadAnswer } from './wire.js';

export interface ModelsPanel {
  readonly element: HTMLElement;
  /** Fetches and shows the models; throws when the request fails. */
  refresh(): Promise<void>;
}

function unloadAllText(answer: UnloadAllAnswer): string {
  if (answer.unloaded.length === 0 && answer.pending.length === 0) return 'No model was loaded: nothing to unload.';
  const parts: string[] = [];
  if (answer.unloaded.length > 0) parts.push(`Unloaded ${answer.unloaded.join(', ')}.`);
  if (answer.pending.length > 0) parts.push(`In use now, unloaded when released: ${answer.pending.join(', ')}.`);
  return parts.join(' ');
}

export function modelsPanel(): ModelsPanel {
  const message = messageLine('models-message');
  const loadedHost = el('div', { 'data-testid': 'loaded-models' });
  const availableHost = el('div', { 'data-testid': 'available-models' });
  const summary = el('p', { className: 'muted', 'data-testid': 'models-memory' });
  const unloadAll = button('Unload all', () => void runUnloadAll(), { 'data-testid': 'unload-all' });
  const element = el('div', { className: 'cards cards-wide' }, [
    card('Loaded models', [el('div', { className: 'card-actions' }, [summary, unloadAll]), message, loadedHost], 'models-card'),
    card('Models folder', [availableHost], 'models-folder-card'),
  ]);

  async function refresh(): Promise<void> {
    render(await getJson<ModelsReport>('/api/models'));
  }

  async function unload(id: string): Promise<void> {
    showMessage(message, `Unloading ${id}…`, 'info');
    try {
      const answer = await sendJson<UnloadAnswer>('POST', `/api/models/${encodeURIComponent(id)}/unload`, undefined);
      if (answer.outcome === 'pending') showMessage(message, `${id} is in use by a running node: it will be unloaded when that node releases it.`, 'pending');
      else showMessage(message, `Unloaded ${id}: its memory is free.`, 'ok');
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) showMessage(message, `${id} is not loaded any more (unloaded already, perhaps by its idle limit or another client).`, 'info');
      else showMessage(message, `Could not unload ${id}: ${describeError(error)}`, 'error');
    }
    await refresh().catch((error: unknown) => showMessage(message, `Could not refresh the models: ${describeError(error)}`, 'error'));
  }

  async function runUnloadAll(): Promise<void> {
    showMessage(message, 'Unloading every model…', 'info');
    try {
      const answer = await sendJson<UnloadAllAnswer>('POST', '/api/models/unload-all', undefined);
      showMessage(message, unloadAllText(answer), answer.pending.length > 0 ? 'pending' : 'ok');
    } catch (error) {
      showMessage(message, `Could not unload the models: ${describeError(error)}`, 'error');
    }
    await refresh().catch((error: unknown) => showMessage(message, `Could not refresh the models: ${describeError(error)}`, 'error'));
  }

  function render(report: ModelsReport): void {
    const budget = report.memory.budgetBytes === null ? 'no memory limit' : `limit ${formatBytes(report.memory.budgetBytes)}`;
    summary.textContent = `${report.loaded.length} loaded, ${formatBytes(report.memory.loadedBytes)} (${budget})`;
    unloadAll.disabled = report.loaded.length === 0;
    loadedHost.replaceChildren(report.loaded.length === 0
      ? muted(`No model is loaded: ${report.message}.`, 'no-loaded-models')
      : table('Loaded models', ['Model', 'Memory', 'In use', 'Loaded', 'Last used', ''], report.loaded.map((model) => [
        el('span', { 'data-testid': 'loaded-model', 'data-model': model.id }, [model.id, model.unloadPending ? badge('unload pending', 'pending', 'Unloaded when the node using it releases it') : '']),
        formatBytes(model.bytes),
        String(model.inUse),
        formatClock(Date.parse(model.loadedAt)),
        formatClock(Date.parse(model.lastUsedAt)),
        button('Unload', () => void unload(model.id), { 'aria-label': `Unload ${model.id}`, 'data-testid': 'unload', 'data-model': model.id }),
      ])));
    availableHost.replaceChildren(
      report.available.length === 0
        ? muted('The models folder is empty. Put diffusers/ONNX exports in <data>/models (see README "Bringing real models").')
        : table('Models in the models folder', ['Model', 'Layout', 'Size', 'Loaded', 'Problem'], report.available.map((model) => [
          model.id,
          `${model.layout}${model.family ? ` (${model.family})` : ''}`,
          formatBytes(model.bytes),
          model.loaded ? 'yes' : 'no',
          model.problem ?? '',
        ])),
      report.truncated ? muted('The folder is large: sizes are lower bounds.') : '',
    );
  }

  return { element, refresh };
}
