/**
 * The minimap in the canvas's corner: every group and node as a small box (muted ones dim,
 * bypassed ones purple) and the part of the graph in view as a frame. A click or a drag on it
 * centres the view there. It redraws after the canvas draws, at most a few times a second.
 */
import './editing.css';
import { LGraphEventMode, type LGraphCanvas, type LGraphNode } from '@comfyorg/litegraph';
import { el } from './dom.js';

const WIDTH = 200;
const HEIGHT = 140;
const PADDING = 8;
const REDRAW_MS = 120;
const VISIBLE_KEY = 'switchyard.minimap';

export interface Minimap {
  readonly element: HTMLCanvasElement;
  setVisible(visible: boolean): void;
  toggle(): boolean;
  isVisible(): boolean;
}

type Box = [number, number, number, number];

function union(boxes: Box[]): Box | undefined {
  if (boxes.length === 0) return undefined;
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y, w, h] of boxes) {
    left = Math.min(left, x);
    top = Math.min(top, y);
    right = Math.max(right, x + w);
    bottom = Math.max(bottom, y + h);
  }
  return [left, top, right - left, bottom - top];
}

function nodeBox(node: LGraphNode): Box {
  const [x, y, w, h] = node.boundingRect;
  // boundingRect is measured when a frame draws: a node not drawn yet falls back to pos/size.
  return w > 0 ? [x, y, w, h] : [node.pos[0], node.pos[1] - 30, node.size[0], node.size[1] + 30];
}

export function mountMinimap(host: HTMLElement, canvas: LGraphCanvas): Minimap {
  const ratio = window.devicePixelRatio || 1;
  const element = el('canvas', { className: 'minimap', width: WIDTH * ratio, height: HEIGHT * ratio, 'aria-label': 'Minimap: click or drag to move the view', role: 'img', 'data-testid': 'minimap' });
  host.append(element);
  const draw2d = element.getContext('2d')!;
  /** Graph space → minimap pixels, from the last drawing (for clicks). */
  let transform = { scale: 1, left: 0, top: 0 };

  const draw = () => {
    const graph = canvas.graph;
    const nodes = (graph?._nodes ?? []) as LGraphNode[];
    const boxes = nodes.map(nodeBox);
    const groups = (graph?._groups ?? []).map((group) => [...group.boundingRect] as Box);
    const view = [...canvas.visible_area] as Box;
    const world = union([...boxes, ...groups, view])!;
    const scale = Math.min((WIDTH - 2 * PADDING) / Math.max(world[2], 1), (HEIGHT - 2 * PADDING) / Math.max(world[3], 1));
    const left = world[0] - (WIDTH / scale - world[2]) / 2;
    const top = world[1] - (HEIGHT / scale - world[3]) / 2;
    transform = { scale, left, top };
    const toMap = ([x, y, w, h]: Box): Box => [(x - left) * scale, (y - top) * scale, Math.max(w * scale, 2), Math.max(h * scale, 2)];
    draw2d.setTransform(ratio, 0, 0, ratio, 0, 0);
    draw2d.clearRect(0, 0, WIDTH, HEIGHT);
    draw2d.fillStyle = 'rgba(21, 23, 28, 0.88)';
    draw2d.fillRect(0, 0, WIDTH, HEIGHT);
    draw2d.globalAlpha = 0.35;
    for (const [index, box] of groups.entries()) {
      draw2d.fillStyle = graph?._groups[index]?.color ?? '#3f789e';
      draw2d.fillRect(...toMap(box));
    }
    draw2d.globalAlpha = 1;
    nodes.forEach((node, index) => {
      draw2d.fillStyle = node.mode === LGraphEventMode.NEVER ? '#3a3f4a' : node.mode === LGraphEventMode.BYPASS ? '#9c27b0' : node.has_errors ? '#e5534b' : '#8a93a3';
      draw2d.fillRect(...toMap(boxes[index]!));
    });
    draw2d.strokeStyle = '#4c8dff';
    draw2d.lineWidth = 1.5;
    draw2d.strokeRect(...toMap(view));
  };

  let last = 0;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    if (element.hidden || pending !== undefined) return;
    pending = setTimeout(() => {
      pending = undefined;
      last = performance.now();
      draw();
    }, Math.max(0, REDRAW_MS - (performance.now() - last)));
  };
  const previousOverlay = canvas.onDrawOverlay;
  canvas.onDrawOverlay = (ctx) => {
    previousOverlay?.call(canvas, ctx);
    schedule();
  };

  const centreOn = (event: PointerEvent) => {
    const rect = element.getBoundingClientRect();
    // The stylesheet may show the map smaller than it draws (narrow windows).
    const x = ((event.clientX - rect.left) * (WIDTH / rect.width)) / transform.scale + transform.left;
    const y = ((event.clientY - rect.top) * (HEIGHT / rect.height)) / transform.scale + transform.top;
    const view = canvas.canvas.getBoundingClientRect();
    const zoom = canvas.ds.scale;
    canvas.ds.offset = [-x + view.width / (2 * zoom), -y + view.height / (2 * zoom)];
    canvas.setDirty(true, true);
  };
  element.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    element.setPointerCapture(event.pointerId);
    centreOn(event);
  });
  element.addEventListener('pointermove', (event) => {
    if (element.hasPointerCapture(event.pointerId)) centreOn(event);
  });

  const setVisible = (visible: boolean) => {
    element.hidden = !visible;
    localStorage.setItem(VISIBLE_KEY, visible ? '1' : '0');
    if (visible) schedule();
  };
  setVisible(localStorage.getItem(VISIBLE_KEY) !== '0');
  return {
    element,
    setVisible,
    toggle() {
      setVisible(element.hidden !== false);
      return !element.hidden;
    },
    isVisible: () => !element.hidden,
  };
}
