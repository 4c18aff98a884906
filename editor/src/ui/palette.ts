/**
 * The node palette: a search box over every node type (title, type id, category, aliases) and,
 * while the box is empty, the types by category. Click an entry (or press Enter in the box for
 * the first hit) to add the node in the middle of the view; drag an entry onto the canvas to add
 * it where it is dropped.
 */
import type { NodeDescription } from '../wire.js';
import { el } from './dom.js';
import { byCategory, searchNodes } from './node-search.js';

/** The drag-and-drop payload type of a palette entry. */
export const NODE_DRAG_MIME = 'application/x-switchyard-node-type';

export interface PaletteOptions {
  descriptions: readonly NodeDescription[];
  onAdd(type: string): void;
}

function entry(description: NodeDescription, onAdd: (type: string) => void): HTMLElement {
  const item = el('button', {
    type: 'button',
    className: 'palette-item',
    draggable: 'true',
    'data-type': description.type,
    'data-testid': 'palette-item',
    title: description.description || description.type,
  }, [el('span', { className: 'palette-title' }, [description.title]), el('span', { className: 'palette-type' }, [description.type])]);
  item.addEventListener('click', () => onAdd(description.type));
  item.addEventListener('dragstart', (event) => {
    event.dataTransfer?.setData(NODE_DRAG_MIME, description.type);
    event.dataTransfer?.setData('text/plain', description.type);
    if (event.dataTransfer) event.dataTransfer.effectAllowed = 'copy';
  });
  return item;
}

export function mountPalette(host: HTMLElement, options: PaletteOptions): { focusSearch(): void } {
  const search = el('input', { type: 'search', className: 'palette-search', placeholder: 'Search nodes…', 'aria-label': 'Search nodes', 'data-testid': 'palette-search', autocomplete: 'off' });
  const list = el('div', { className: 'palette-list', role: 'list' });
  host.replaceChildren(el('h2', { className: 'palette-heading' }, ['Nodes']), search, list);

  const render = () => {
    const query = search.value.trim();
    if (query.length > 0) {
      const hits = searchNodes(options.descriptions, query);
      list.replaceChildren(...(hits.length > 0 ? hits.map((hit) => entry(hit.description, options.onAdd)) : [el('p', { className: 'palette-empty' }, [`No node matches “${query}”.`])]));
      return;
    }
    const groups = [...byCategory(options.descriptions)].map(([category, members]) => {
      const details = el('details', { className: 'palette-category', 'data-category': category }, [el('summary', {}, [`${category} (${members.length})`])]);
      details.append(...members.map((member) => entry(member, options.onAdd)));
      return details;
    });
    list.replaceChildren(...groups);
  };
  search.addEventListener('input', render);
  search.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      const first = list.querySelector<HTMLElement>('.palette-item');
      if (first?.dataset.type) options.onAdd(first.dataset.type);
    } else if (event.key === 'ArrowDown') {
      list.querySelector<HTMLElement>('.palette-item')?.focus();
      event.preventDefault();
    }
  });
  render();
  return { focusSearch: () => search.focus() };
}
