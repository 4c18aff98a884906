/**
 * One output as a card: the image (or the text) is a button that opens it full size, a video
 * or a sound plays in place; under it where it came from, and its actions — open full size,
 * download (`?download=1`, the server answers it as an attachment), and load the workflow
 * that made it.
 */
import { button, el } from '../ui/dom.js';
import { itemLabel, mediaElement } from './media.js';
import { icon, type IconName } from './icons.js';
import { mediaUrl } from './runs-api.js';
import type { OutputItem } from './run-types.js';

export interface CardActions {
  open(item: OutputItem): void;
  loadWorkflow(item: OutputItem): void;
}

function iconButton(name: IconName, onClick: () => void, attributes: Record<string, string>): HTMLButtonElement {
  const element = button('', onClick, { className: 'card-action', ...attributes });
  element.append(icon(name));
  return element;
}

export function mediaCard(item: OutputItem, actions: CardActions): HTMLElement {
  const label = itemLabel(item);
  const media = mediaElement(item, 'thumb');
  const playsInPlace = item.kind === 'video' || item.kind === 'audio';
  const view = playsInPlace
    ? el('div', { className: 'media-frame' }, [media])
    : button('', () => actions.open(item), { className: 'media-frame', 'aria-label': `Open full size: ${label}`, title: 'Open full size', 'data-testid': 'gallery-open' });
  if (!playsInPlace) view.append(media);
  const download = item.file
    ? el('a', { className: 'card-action', href: mediaUrl(item.file.url, { download: true }), download: item.file.filename, title: 'Download', 'aria-label': `Download ${item.file.filename}`, 'data-testid': 'gallery-download' }, [icon('download')])
    : null;
  return el('figure', { className: `media-card media-card-${item.kind}`, 'data-testid': 'gallery-item', 'data-kind': item.kind, 'data-run-id': item.runId }, [
    view,
    el('figcaption', {}, [
      el('span', { className: 'card-caption', title: label }, [`${item.runName ?? 'Run'} #${item.runNumber}`]),
      el('span', { className: 'card-actions' }, [
        iconButton('expand', () => actions.open(item), { title: 'Open full size', 'aria-label': `Open full size: ${label}`, 'data-testid': 'gallery-full' }),
        download,
        iconButton('workflow', () => actions.loadWorkflow(item), { title: 'Load the workflow that made this', 'aria-label': `Load the workflow of run #${item.runNumber}`, 'data-testid': 'gallery-load-workflow' }),
      ]),
    ]),
  ]);
}
