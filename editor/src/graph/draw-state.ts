/**
 * Draws a node's run state on the canvas, in node space (origin at the top-left of the body,
 * the title bar above it): the time it took (and "cached") in the title bar, its images or
 * texts below its widgets, validation marks on the offending inputs, and error messages in a
 * red box under the node. The running highlight is a stroke style (see editor-node.ts).
 */
import { LiteGraph, type LGraphNode } from '@comfyorg/litegraph';
import { formatDuration, type NodeRunState } from './run-state.js';

const ERROR_RED = '#e5534b';
const IMAGE_MIN_HEIGHT = 180;

/** Where the node's own content (slots and widgets) ends, in node space. */
export function contentBottom(node: LGraphNode): number {
  let bottom = 0;
  for (const widget of node.widgets ?? []) {
    if (widget.hidden) continue;
    bottom = Math.max(bottom, (widget.y ?? 0) + (widget.computedHeight ?? LiteGraph.NODE_WIDGET_HEIGHT));
  }
  const socketInputs = node.inputs.filter((input) => !input.widget).length;
  const rows = Math.max(socketInputs, node.outputs.length);
  return Math.max(bottom, rows * LiteGraph.NODE_SLOT_HEIGHT + 6);
}

/** Grows the node so its images get a useful area (never shrinks it). */
export function makeRoomForImages(node: LGraphNode, image: { width: number; height: number }): void {
  const width = Math.max(node.size[0], 240);
  const imageHeight = Math.min(Math.max((width - 8) * (image.height / Math.max(1, image.width)), IMAGE_MIN_HEIGHT), 360);
  const wanted = contentBottom(node) + imageHeight + 12;
  if (node.size[0] < width || node.size[1] < wanted) node.setSize([width, Math.max(node.size[1], wanted)]);
}

function wrap(ctx: CanvasRenderingContext2D, text: string, maxWidth: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      const candidate = line ? `${line} ${word}` : word;
      if (ctx.measureText(candidate).width <= maxWidth || !line) line = candidate;
      else {
        lines.push(line);
        line = word;
      }
      if (lines.length >= maxLines) return [...lines.slice(0, maxLines - 1), `${lines[maxLines - 1]}…`];
    }
    lines.push(line);
  }
  return lines.slice(0, maxLines);
}

function drawTitleInfo(node: LGraphNode, state: NodeRunState, ctx: CanvasRenderingContext2D): void {
  const parts: string[] = [];
  if (state.status === 'cached') parts.push('cached');
  if (state.durationMs !== undefined && state.status !== 'cached') parts.push(formatDuration(state.durationMs));
  if (state.status === 'queued') parts.push('queued');
  if (parts.length === 0) return;
  ctx.save();
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = state.status === 'cached' ? '#7aa2f7' : '#9ece6a';
  ctx.fillText(parts.join(' · '), node.size[0] - 8, -LiteGraph.NODE_TITLE_HEIGHT / 2);
  ctx.restore();
}

function drawImages(node: LGraphNode, state: NodeRunState, ctx: CanvasRenderingContext2D): void {
  const image = state.images[0];
  if (!image) return;
  const top = contentBottom(node) + 4;
  const areaWidth = node.size[0] - 8;
  const areaHeight = node.size[1] - top - 4;
  if (areaWidth <= 8 || areaHeight <= 8) return;
  const scale = Math.min(areaWidth / image.width, areaHeight / image.height);
  const width = image.width * scale;
  const height = image.height * scale;
  ctx.drawImage(image, 4 + (areaWidth - width) / 2, top + (areaHeight - height) / 2, width, height);
  if (state.images.length > 1 || state.preview) {
    ctx.save();
    ctx.font = '10px sans-serif';
    ctx.fillStyle = 'rgba(0,0,0,0.6)';
    const label = state.preview ? 'preview' : `1 / ${state.images.length}`;
    ctx.fillRect(6, top + 2, ctx.measureText(label).width + 8, 14);
    ctx.fillStyle = '#fff';
    ctx.fillText(label, 10, top + 12);
    ctx.restore();
  }
}

function drawTexts(node: LGraphNode, state: NodeRunState, ctx: CanvasRenderingContext2D): void {
  if (state.texts.length === 0 || state.images.length > 0) return;
  const top = contentBottom(node) + 14;
  ctx.save();
  ctx.font = '12px monospace';
  ctx.fillStyle = '#ddd';
  const lines = wrap(ctx, state.texts.join('\n'), node.size[0] - 12, Math.max(1, Math.floor((node.size[1] - top) / 14)));
  lines.forEach((line, index) => ctx.fillText(line, 6, top + index * 14));
  ctx.restore();
}

function drawValidationMarks(node: LGraphNode, state: NodeRunState, ctx: CanvasRenderingContext2D): void {
  ctx.save();
  ctx.strokeStyle = ERROR_RED;
  ctx.lineWidth = 2;
  for (const mark of state.validation) {
    if (mark.input === undefined) continue;
    const widget = node.widgets?.find((w) => w.name === mark.input);
    if (widget && !widget.hidden) {
      ctx.strokeRect(8, widget.y ?? 0, node.size[0] - 16, widget.computedHeight ?? LiteGraph.NODE_WIDGET_HEIGHT);
      continue;
    }
    const index = node.inputs.findIndex((input) => input.name === mark.input);
    if (index < 0) continue;
    const [x, y] = node.getInputPos(index);
    ctx.beginPath();
    ctx.arc(x - node.pos[0], y - node.pos[1], 7, 0, Math.PI * 2);
    ctx.stroke();
  }
  ctx.restore();
}

function drawErrorBox(node: LGraphNode, messages: string[], ctx: CanvasRenderingContext2D): void {
  if (messages.length === 0) return;
  ctx.save();
  ctx.font = '12px sans-serif';
  const width = Math.max(node.size[0], 200);
  const lines = messages.flatMap((message) => wrap(ctx, message, width - 12, 4));
  const height = lines.length * 15 + 8;
  const top = node.size[1] + 8;
  ctx.fillStyle = 'rgba(60, 10, 10, 0.92)';
  ctx.strokeStyle = ERROR_RED;
  ctx.lineWidth = 1;
  ctx.fillRect(0, top, width, height);
  ctx.strokeRect(0, top, width, height);
  ctx.fillStyle = '#ffd7d5';
  ctx.textBaseline = 'top';
  lines.forEach((line, index) => ctx.fillText(line, 6, top + 5 + index * 15));
  ctx.restore();
}

/** Everything the run state adds to a node's picture. */
export function drawRunState(node: LGraphNode, state: NodeRunState, ctx: CanvasRenderingContext2D): void {
  if (node.flags.collapsed) return;
  drawTitleInfo(node, state, ctx);
  drawImages(node, state, ctx);
  drawTexts(node, state, ctx);
  drawValidationMarks(node, state, ctx);
  const messages = state.validation.map((mark) => mark.message);
  if (state.error) messages.push(state.error);
  drawErrorBox(node, messages, ctx);
}

/** The stroke litegraph draws around a node: green while it runs. */
export function runStroke(state: NodeRunState): { color: string; lineWidth: number; padding: number } | undefined {
  if (state.status === 'running') return { color: '#3fb950', lineWidth: 3, padding: 6 };
  return undefined;
}
