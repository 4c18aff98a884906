/**
 * The "Workflows" dialog: the server's saved workflows (and shipped examples, read-only), each
 * with Open, Rename and Delete. Deleting asks first; renaming asks for the new name.
 */
import './editing.css';
import type { EditorContext } from '../app/context.js';
import { deleteWorkflow, listWorkflows, openSaved, renameWorkflow } from '../app/workflows.js';
import type { WorkflowEntry } from '../wire.js';
import { confirmAction } from './confirm.js';
import { askText } from './dialog.js';
import { button, el } from './dom.js';

export async function showWorkflowManager(ctx: EditorContext, afterOpen: () => void): Promise<void> {
  const list = el('ul', { className: 'choice-list workflow-list', 'aria-label': 'Saved workflows' });
  const close = button('Close', () => dialog.close(), { 'data-testid': 'manager-close' });
  const dialog = el('dialog', { className: 'modal', 'aria-label': 'Workflows', 'data-testid': 'dialog-workflows' }, [
    el('h2', {}, ['Workflows']),
    list,
    el('div', { className: 'modal-buttons' }, [close]),
  ]);
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());

  // The dialog steps aside (closes) while a nested question is asked, then comes back.
  const ask = async <T>(question: () => Promise<T>): Promise<T> => {
    dialog.close();
    return question();
  };
  const row = (entry: WorkflowEntry) => {
    const actions = entry.example
      ? [el('span', { className: 'choice-detail' }, ['example (read-only)'])]
      : [
          button('Rename', () => void ask(async () => {
            const to = await askText(`Rename “${entry.name}”`, 'New name (folders with /)', entry.name);
            if (to !== undefined && to !== entry.name) await renameWorkflow(ctx, entry.name, to);
            await reopen();
          }), { 'data-testid': 'workflow-rename', 'aria-label': `Rename ${entry.name}` }),
          button('Delete', () => void ask(async () => {
            const ok = await confirmAction(`Delete “${entry.name}”?`, 'The saved workflow is removed from the server. Tabs showing it keep their copy (unsaved).', 'Delete');
            if (ok) await deleteWorkflow(ctx, entry.name);
            await reopen();
          }), { className: 'danger', 'data-testid': 'workflow-delete', 'aria-label': `Delete ${entry.name}` }),
        ];
    return el('li', { 'data-testid': 'workflow-row', 'data-name': entry.name }, [
      button(entry.name, () => {
        dialog.close();
        void openSaved(ctx, entry.name, entry.example).then((opened) => opened && afterOpen());
      }, { 'data-testid': 'workflow-open', title: `Open ${entry.name}` }),
      el('span', { className: 'choice-detail' }, [entry.example ? '' : new Date(entry.updated_at).toLocaleString()]),
      el('span', { className: 'spacer' }),
      ...actions,
    ]);
  };
  const render = async () => {
    const entries = await listWorkflows(ctx);
    if (!entries) return false;
    list.replaceChildren(...(entries.length === 0 ? [el('li', { className: 'choice-empty' }, ['No saved workflows yet.'])] : entries.map(row)));
    return true;
  };
  const reopen = async () => {
    if (await render()) {
      document.body.append(dialog);
      dialog.showModal();
    }
  };
  if (await render()) dialog.showModal();
  else dialog.remove();
}
