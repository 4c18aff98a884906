/**
 * An output at full size in a dialog, with the way to the others shown beside it (Previous /
 * Next, or the arrow keys), its download, and "Load workflow" for the workflow that made it.
 */
import { button, el } from '../ui/dom.js';
import { openPanelDialog } from './dialog.js';
import { itemLabel, mediaElement } from './media.js';
import { mediaUrl } from './runs-api.js';
import type { OutputItem } from './run-types.js';

export interface LightboxActions {
  loadWorkflow(item: OutputItem): void;
}

export function openLightbox(items: readonly OutputItem[], start: number, actions: LightboxActions): HTMLDialogElement {
  let index = Math.min(Math.max(0, start), items.length - 1);
  const stage = el('div', { className: 'lightbox-stage', 'data-testid': 'lightbox-stage' });
  const caption = el('p', { className: 'lightbox-caption', 'data-testid': 'lightbox-caption' });
  const download = el('a', { className: 'button-link', 'data-testid': 'lightbox-download' }, ['Download']);
  const previous = button('‹ Previous', () => show(index - 1), { 'data-testid': 'lightbox-previous', title: 'Previous output (←)' });
  const next = button('Next ›', () => show(index + 1), { 'data-testid': 'lightbox-next', title: 'Next output (→)' });
  const load = button('Load workflow', () => {
    actions.loadWorkflow(items[index]!);
    dialog.close();
  }, { 'data-testid': 'lightbox-load-workflow', title: 'Replace the canvas with the workflow that made this' });

  function show(at: number): void {
    if (at < 0 || at >= items.length) return;
    index = at;
    const item = items[index]!;
    stage.replaceChildren(mediaElement(item, 'full'));
    caption.textContent = `${itemLabel(item)} (${index + 1} of ${items.length})`;
    download.hidden = !item.file;
    if (item.file) {
      download.setAttribute('href', mediaUrl(item.file.url, { download: true }));
      download.setAttribute('download', item.file.filename);
    }
    previous.disabled = index === 0;
    next.disabled = index === items.length - 1;
  }

  const dialog = openPanelDialog({
    title: 'Output',
    testId: 'lightbox',
    className: 'lightbox',
    body: [stage, caption],
    buttons: items.length > 1 ? [previous, next, download, load] : [download, load],
  });
  dialog.addEventListener('keydown', (event) => {
    // Arrow keys inside a player or text field belong to it.
    if (event.target instanceof HTMLMediaElement || event.target instanceof HTMLInputElement) return;
    if (event.key === 'ArrowLeft') show(index - 1);
    else if (event.key === 'ArrowRight') show(index + 1);
  });
  show(index);
  return dialog;
}
