/**
 * A yes/no question on the native <dialog> element (Escape and the Cancel button answer no),
 * for actions that lose work: closing a tab with unsaved changes, deleting a saved workflow.
 */
import './editing.css';
import { button, el } from './dom.js';

export function confirmAction(title: string, message: string, confirmLabel: string): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const confirm = button(confirmLabel, () => {
      answer = true;
      dialog.close();
    }, { className: 'danger', 'data-testid': 'confirm-ok' });
    const cancel = button('Cancel', () => dialog.close(), { 'data-testid': 'confirm-cancel' });
    const dialog = el('dialog', { className: 'modal', 'aria-label': title, 'data-testid': 'dialog-confirm' }, [
      el('h2', {}, [title]),
      el('p', {}, [message]),
      el('div', { className: 'modal-buttons' }, [cancel, confirm]),
    ]);
    document.body.append(dialog);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    dialog.showModal();
    // The safe answer has the focus: Enter alone never throws work away.
    cancel.focus();
  });
}
