/**
 * What runs produced, as elements: every file and text of a run's output nodes becomes an
 * OutputItem, and an item becomes an element to look at — an image, a video or audio player,
 * or the text itself — small for the gallery or full size for the lightbox.
 */
import { el } from '../ui/dom.js';
import type { FileRefView, UiResultView } from '../wire.js';
import { runName } from './run-names.js';
import { mediaUrl } from './runs-api.js';
import type { MediaKind, OutputItem } from './run-types.js';

const FILE_KINDS: [keyof UiResultView, MediaKind][] = [['images', 'image'], ['videos', 'video'], ['audio', 'audio']];
const VIDEO_NAME = /\.(mp4|webm|mov|mkv|m4v)$/i;
const AUDIO_NAME = /\.(mp3|wav|ogg|oga|flac|m4a|aac|opus)$/i;

/** Some nodes list an animation or a sound under `images`: the file's extension decides. */
function kindOf(file: FileRefView, listed: MediaKind): MediaKind {
  if (VIDEO_NAME.test(file.filename)) return 'video';
  if (AUDIO_NAME.test(file.filename)) return 'audio';
  return listed;
}

/** The run's outputs in node order: files first, then texts, per node. */
export function outputItems(run: { id: string; number: number; name: string | null; outputs: Record<string, UiResultView> }): OutputItem[] {
  const items: OutputItem[] = [];
  const from = { runId: run.id, runNumber: run.number, runName: runName(run) };
  for (const [nodeId, ui] of Object.entries(run.outputs)) {
    for (const [key, listed] of FILE_KINDS) {
      const files = ui[key];
      if (!Array.isArray(files)) continue;
      for (const file of files as FileRefView[]) {
        if (typeof file?.url === 'string') items.push({ kind: kindOf(file, listed), ...from, nodeId, file });
      }
    }
    for (const text of ui.text ?? []) items.push({ kind: 'text', ...from, nodeId, text });
  }
  return items;
}

export function itemLabel(item: OutputItem): string {
  const what = item.file ? item.file.filename : 'text';
  return `${item.runName ?? 'Run'} #${item.runNumber}, node ${item.nodeId}: ${what}`;
}

/** The item as an element: `thumb` fits a gallery card, `full` the lightbox. */
export function mediaElement(item: OutputItem, size: 'thumb' | 'full'): HTMLElement {
  const label = itemLabel(item);
  const className = `media media-${item.kind} media-${size}`;
  if (item.kind === 'text' || !item.file) {
    return el('pre', { className, 'aria-label': label, tabindex: size === 'full' ? 0 : undefined }, [item.text ?? '']);
  }
  const src = mediaUrl(item.file.url);
  if (item.kind === 'image') {
    return el('img', { className, src, alt: label, loading: size === 'thumb' ? 'lazy' : undefined, decoding: 'async', draggable: 'false' });
  }
  if (item.kind === 'video') {
    const video = el('video', { className, src, controls: true, preload: 'metadata', playsinline: true, 'aria-label': label });
    video.muted = size === 'thumb';
    if (size === 'thumb') video.loop = true;
    return video;
  }
  return el('audio', { className, src, controls: true, preload: 'metadata', 'aria-label': label });
}
