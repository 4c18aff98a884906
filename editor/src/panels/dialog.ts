/**
 * A modal panel on the native <dialog> (focus is kept inside, Escape closes): a title, a
 * body, and a button row that always ends with Close. Removed from the page once closed.
 */
import { button, el } from '../ui/dom.js';

export interface PanelDialogOptions {
  title: string;
  testId: string;
  className?: string;
  body: (Node | null)[];
  buttons?: (HTMLElement | null)[];
}

export function openPanelDialog(options: PanelDialogOptions): HTMLDialogElement {
  const heading = el('h2', { id: `${options.testId}-title` }, [options.title]);
  const close = button('Close', () => dialog.close(), { 'data-testid': `${options.testId}-close` });
  const dialog = el('dialog', {
    className: `modal panel-dialog ${options.className ?? ''}`.trim(),
    'aria-labelledby': heading.id,
    'data-testid': options.testId,
  }, [el('div', { className: 'panel-dialog-inner' }, [
    heading,
    el('div', { className: 'panel-dialog-body' }, options.body),
    el('div', { className: 'modal-buttons' }, [...(options.buttons ?? []), close]),
  ])]);
  dialog.addEventListener('close', () => dialog.remove());
  // A click on the backdrop (the dialog element itself: its content fills it) closes it too.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) dialog.close();
  });
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
  return dialog;
}
