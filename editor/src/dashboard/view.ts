/** Building blocks the dashboard pages share: cards, fact lists, tables and message lines. */
import { el } from '../ui/dom.js';

type Content = Node | string;

export function card(title: string, children: (Content | null)[], testId?: string): HTMLElement {
  return el('section', { className: 'card', 'data-testid': testId }, [el('h2', {}, [title]), ...children]);
}

export interface Fact {
  label: string;
  value: Content;
  testId?: string;
}

/** A definition list: label, value (a value's test id names it for tests). */
export function facts(rows: Fact[]): HTMLElement {
  return el('dl', { className: 'facts' }, rows.flatMap((row) => [el('dt', {}, [row.label]), el('dd', { 'data-testid': row.testId }, [row.value])]));
}

/** A table that scrolls sideways inside its card on a narrow window. */
export function table(caption: string, headings: string[], rows: Content[][], testId?: string): HTMLElement {
  return el('div', { className: 'table-wrap' }, [
    el('table', { 'data-testid': testId }, [
      el('caption', { className: 'visually-hidden' }, [caption]),
      el('thead', {}, [el('tr', {}, headings.map((h) => el('th', { scope: 'col' }, [h])))]),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell) => el('td', {}, [cell]))))),
    ]),
  ]);
}

export function muted(text: string, testId?: string): HTMLElement {
  return el('p', { className: 'muted', 'data-testid': testId }, [text]);
}

export type MessageKind = 'info' | 'ok' | 'error' | 'pending';

/** A line that announces the outcome of an action (a live region). */
export function messageLine(testId: string): HTMLElement {
  return el('p', { className: 'message', role: 'status', 'aria-live': 'polite', 'data-testid': testId });
}

export function showMessage(line: HTMLElement, text: string, kind: MessageKind): void {
  line.textContent = text;
  line.dataset.kind = kind;
}

export function badge(text: string, kind: string, title?: string): HTMLElement {
  return el('span', { className: `badge badge-${kind}`, title }, [text]);
}
