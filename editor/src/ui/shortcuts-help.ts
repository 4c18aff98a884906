/** The keyboard shortcuts dialog ("?" or the toolbar's "?" button): a table per group. */
import './editing.css';
import { SHORTCUTS } from '../app/shortcuts.js';
import { button, el } from './dom.js';

export function showShortcuts(): void {
  if (document.querySelector('[data-testid="dialog-shortcuts"]')) return;
  const sections = SHORTCUTS.map(({ group, items }) => el('section', {}, [
    el('h3', {}, [group]),
    el('table', { className: 'shortcut-table' }, [
      el('tbody', {}, items.map((item) => el('tr', {}, [el('th', { scope: 'row' }, [el('kbd', {}, [item.keys])]), el('td', {}, [item.action])]))),
    ]),
  ]));
  const close = button('Close', () => dialog.close(), { 'data-testid': 'shortcuts-close' });
  const dialog = el('dialog', { className: 'modal shortcuts', 'aria-label': 'Keyboard shortcuts', 'data-testid': 'dialog-shortcuts' }, [
    el('h2', {}, ['Keyboard shortcuts']),
    el('div', { className: 'shortcut-groups' }, sections),
    el('div', { className: 'modal-buttons' }, [close]),
  ]);
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
  close.focus();
}
