/**
 * The Gallery tab: the outputs of recent finished runs, newest first — images as thumbnails,
 * videos and sounds with their players, texts inline — filtered by kind. A card opens full size
 * in the lightbox, downloads, or loads the workflow that made it. The grid is rebuilt only
 * when the set of outputs changed, so thumbnails are not fetched again and players keep going.
 */
import { el } from '../ui/dom.js';
import { mediaCard, type CardActions } from './media-card.js';
import { outputItems } from './media.js';
import type { RunsStore } from './runs-store.js';
import { FINISHED, type MediaKind, type OutputItem } from './run-types.js';

const MAX_ITEMS = 200;
const FILTERS: [MediaKind | 'all', string][] = [['all', 'All'], ['image', 'Images'], ['video', 'Videos'], ['audio', 'Audio'], ['text', 'Text']];

export interface GalleryPanel {
  readonly element: HTMLElement;
  /** Everything shown now, in order (the lightbox steps through it). */
  items(): readonly OutputItem[];
}

function itemKey(item: OutputItem, index: number): string {
  return `${item.runId}/${item.nodeId}/${item.file?.url ?? `text${index}`}`;
}

export function mountGalleryPanel(store: RunsStore, actions: CardActions): GalleryPanel {
  let shown: OutputItem[] = [];
  let shownKey = '';
  const filter = el('select', { 'aria-label': 'Show', 'data-testid': 'gallery-filter' }, FILTERS.map(([value, label]) => el('option', { value }, [label])));
  const grid = el('div', { className: 'media-grid', 'aria-label': 'Outputs of recent runs', 'data-testid': 'gallery-grid' });
  const note = el('p', { className: 'panel-note', 'data-testid': 'gallery-note' });
  const element = el('section', { className: 'gallery-panel' }, [
    el('div', { className: 'panel-tools' }, [el('label', {}, ['Show ', filter])]),
    note,
    grid,
  ]);

  function render(): void {
    const kind = filter.value as MediaKind | 'all';
    const all = store.items.filter((run) => FINISHED.has(run.status)).flatMap(outputItems);
    const items = all.filter((item) => kind === 'all' || item.kind === kind).slice(0, MAX_ITEMS);
    const key = items.map(itemKey).join('\n');
    if (key !== shownKey) {
      shownKey = key;
      shown = items;
      grid.replaceChildren(...items.map((item) => mediaCard(item, actions)));
    }
    note.hidden = items.length > 0;
    note.textContent = !store.loaded
      ? 'Loading…'
      : all.length === 0
        ? 'No outputs yet: what Save and Preview nodes produce shows here.'
        : 'Nothing of this kind among the recent outputs.';
  }

  filter.addEventListener('change', render);
  store.subscribe(render);
  render();
  return { element, items: () => shown };
}
