/**
 * The search that a double-click on empty canvas opens at the pointer: type to filter, arrow
 * keys to choose, Enter or a click to add the node there, Escape or a click elsewhere to close.
 */
import type { NodeDescription } from '../wire.js';
import { el } from './dom.js';
import { searchNodes } from './node-search.js';

export interface QuickSearchOptions {
  descriptions: readonly NodeDescription[];
  /** Where to show it, in page pixels. */
  at: { x: number; y: number };
  onPick(type: string): void;
}

let open: { close(): void } | undefined;

export function closeQuickSearch(): void {
  open?.close();
}

export function showQuickSearch(options: QuickSearchOptions): void {
  closeQuickSearch();
  const input = el('input', { type: 'search', className: 'quick-search-input', placeholder: 'Add a node…', 'aria-label': 'Search nodes to add', 'data-testid': 'quick-search', autocomplete: 'off' });
  const list = el('ul', { className: 'quick-search-list', role: 'listbox', id: 'quick-search-list', 'aria-label': 'Matching node types' });
  input.setAttribute('aria-controls', list.id);
  const box = el('div', { className: 'quick-search', role: 'dialog', 'aria-label': 'Add a node' }, [input, list]);
  box.style.left = `${Math.max(8, Math.min(options.at.x, window.innerWidth - 340))}px`;
  box.style.top = `${Math.max(8, Math.min(options.at.y, window.innerHeight - 320))}px`;
  let hits: NodeDescription[] = [];
  let selected = 0;

  // Where the focus goes back to when the box closes (the canvas, usually).
  const previous = document.activeElement;
  const close = () => {
    const hadFocus = box.contains(document.activeElement);
    box.remove();
    if (hadFocus && previous instanceof HTMLElement) previous.focus({ preventScroll: true });
    document.removeEventListener('pointerdown', onOutside, true);
    open = undefined;
  };
  const pick = (type: string | undefined) => {
    close();
    if (type) options.onPick(type);
  };
  const render = () => {
    hits = searchNodes(options.descriptions, input.value, 12).map((hit) => hit.description);
    selected = Math.min(selected, Math.max(0, hits.length - 1));
    list.replaceChildren(...hits.map((description, index) => {
      const item = el('li', { role: 'option', id: `quick-search-option-${index}`, 'aria-selected': String(index === selected), className: index === selected ? 'selected' : undefined, 'data-type': description.type }, [
        el('span', { className: 'palette-title' }, [description.title]),
        el('span', { className: 'palette-type' }, [`${description.category} · ${description.type}`]),
      ]);
      item.addEventListener('pointerdown', (event) => {
        event.preventDefault();
        pick(description.type);
      });
      return item;
    }));
    // Screen readers follow the chosen entry while the focus stays in the box.
    if (hits.length > 0) input.setAttribute('aria-activedescendant', `quick-search-option-${selected}`);
    else input.removeAttribute('aria-activedescendant');
  };
  function onOutside(event: PointerEvent) {
    if (!box.contains(event.target as Node)) close();
  }
  input.addEventListener('input', () => {
    selected = 0;
    render();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      selected = (selected + (event.key === 'ArrowDown' ? 1 : -1) + hits.length) % Math.max(1, hits.length);
      render();
      event.preventDefault();
    } else if (event.key === 'Enter') {
      pick(hits[selected]?.type);
      event.preventDefault();
    } else if (event.key === 'Escape') {
      close();
    }
    event.stopPropagation();
  });
  document.body.append(box);
  document.addEventListener('pointerdown', onOutside, true);
  open = { close };
  render();
  input.focus();
}
