/**
 * Modal dialogs on the native <dialog> element (focus trapping and Escape come with it): ask
 * for a line of text, or pick one entry of a list. Each answers a promise; undefined when the
 * person cancels.
 */
import { button, el } from './dom.js';

function modal(title: string, body: HTMLElement[], testId: string): HTMLDialogElement {
  const dialog = el('dialog', { className: 'modal', 'aria-label': title, 'data-testid': testId }, [el('h2', {}, [title]), ...body]);
  document.body.append(dialog);
  dialog.addEventListener('close', () => dialog.remove());
  return dialog;
}

export function askText(title: string, label: string, initial = ''): Promise<string | undefined> {
  return new Promise((resolve) => {
    const input = el('input', { type: 'text', value: initial, 'aria-label': label, 'data-testid': 'dialog-input', autocomplete: 'off' });
    let answer: string | undefined;
    const form = el('form', { method: 'dialog' }, [
      el('label', {}, [label, input]),
      el('div', { className: 'modal-buttons' }, [
        el('button', { type: 'submit', value: 'ok', 'data-testid': 'dialog-ok' }, ['OK']),
        button('Cancel', () => dialog.close()),
      ]),
    ]);
    form.addEventListener('submit', () => {
      answer = input.value.trim() || undefined;
    });
    const dialog = modal(title, [form], 'dialog-ask');
    dialog.addEventListener('close', () => resolve(answer));
    dialog.showModal();
    input.select();
  });
}

export interface Choice<T> {
  label: string;
  detail?: string;
  value: T;
}

export function choose<T>(title: string, choices: Choice<T>[], empty = 'Nothing to choose from.'): Promise<T | undefined> {
  return new Promise((resolve) => {
    let answer: T | undefined;
    const filter = el('input', { type: 'search', placeholder: 'Filter…', 'aria-label': 'Filter', autocomplete: 'off' });
    const list = el('ul', { className: 'choice-list' });
    const render = () => {
      const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      const shown = choices.filter((choice) => words.every((word) => choice.label.toLowerCase().includes(word)));
      list.replaceChildren(...(shown.length === 0 ? [el('li', { className: 'choice-empty' }, [empty])] : shown.map((choice) => {
        const pick = button(choice.label, () => {
          answer = choice.value;
          dialog.close();
        }, { 'data-testid': 'choice', 'data-label': choice.label });
        return el('li', {}, [pick, choice.detail ? el('span', { className: 'choice-detail' }, [choice.detail]) : null]);
      })));
    };
    filter.addEventListener('input', render);
    const dialog = modal(title, [filter, list, el('div', { className: 'modal-buttons' }, [button('Cancel', () => dialog.close())])], 'dialog-choose');
    dialog.addEventListener('close', () => resolve(answer));
    render();
    dialog.showModal();
    filter.focus();
  });
}
