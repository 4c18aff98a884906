/**
 * The litegraph canvas in its page: sized to its host (and to the device's pixel ratio),
 * sockets coloured by type, a double-click on empty canvas opening the quick search, palette
 * entries and workflow files dropped onto it, and adding a node where the person asked.
 */
import { LGraph, LGraphCanvas, LiteGraph, type LGraphNode } from '@comfyorg/litegraph';
import { colourSockets, type NodeCatalog } from '../graph/node-types.js';
import { NODE_DRAG_MIME } from '../ui/palette.js';
import { showQuickSearch } from '../ui/quick-search.js';
import type { NodeDescription } from '../wire.js';

export interface CanvasSetup {
  graph: LGraph;
  canvas: LGraphCanvas;
}

export function createCanvas(element: HTMLCanvasElement, catalog: NodeCatalog): CanvasSetup {
  LiteGraph.release_link_on_empty_shows_menu = false;
  const graph = new LGraph();
  const canvas = new LGraphCanvas(element, graph);
  canvas.allow_searchbox = false;
  canvas.render_canvas_border = false;
  canvas.show_info = false;
  colourSockets(canvas, catalog);
  const host = element.parentElement!;
  const fit = () => {
    const ratio = window.devicePixelRatio || 1;
    const { width, height } = host.getBoundingClientRect();
    element.style.width = `${width}px`;
    element.style.height = `${height}px`;
    canvas.resize(Math.round(width * ratio), Math.round(height * ratio));
    canvas.ds.scale = Math.max(canvas.ds.scale, 0.1);
    canvas.setDirty(true, true);
  };
  new ResizeObserver(fit).observe(host);
  fit();
  graph.start();
  return { graph, canvas };
}

/** Shows every node and group, centred, zoomed out as needed but never in past 100%. */
export function fitView(setup: CanvasSetup): void {
  const nodes = setup.graph._nodes as LGraphNode[];
  if (nodes.length === 0 && setup.graph._groups.length === 0) return;
  // From pos/size, not boundingRect: that is only measured when a frame is drawn.
  let [left, top, right, bottom] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const node of nodes) {
    left = Math.min(left, node.pos[0]);
    top = Math.min(top, node.pos[1] - LiteGraph.NODE_TITLE_HEIGHT);
    right = Math.max(right, node.pos[0] + node.size[0]);
    bottom = Math.max(bottom, node.pos[1] + node.size[1]);
  }
  for (const group of setup.graph._groups) {
    left = Math.min(left, group.pos[0]);
    top = Math.min(top, group.pos[1]);
    right = Math.max(right, group.pos[0] + group.size[0]);
    bottom = Math.max(bottom, group.pos[1] + group.size[1]);
  }
  const rect = setup.canvas.canvas.getBoundingClientRect();
  const width = right - left + 80;
  const height = bottom - top + 80;
  const scale = Math.min(1, Math.max(0.2, Math.min(rect.width / width, rect.height / height)));
  setup.canvas.ds.scale = scale;
  setup.canvas.ds.offset = [-(left + right) / 2 + rect.width / (2 * scale), -(top + bottom) / 2 + rect.height / (2 * scale)];
  setup.canvas.setDirty(true, true);
}

let placed = 0;

/** Adds a node of `type` at `at` (graph space), or staggered around the middle of the view. */
export function addNode(setup: CanvasSetup, type: string, at?: [number, number]): LGraphNode | undefined {
  const node = LiteGraph.createNode(type);
  if (!node) return undefined;
  let position = at;
  if (!position) {
    const rect = setup.canvas.canvas.getBoundingClientRect();
    const [x, y] = setup.canvas.ds.convertCanvasToOffset([rect.width / 2, rect.height / 2]);
    const step = (placed++ % 8) * 30;
    position = [x - node.size[0] / 2 + step, y - node.size[1] / 2 + step];
  }
  node.pos = [Math.round(position[0]), Math.round(position[1])];
  setup.graph.add(node);
  setup.canvas.selectNode(node);
  setup.canvas.setDirty(true, true);
  return node;
}

export interface CanvasInteractions {
  descriptions: readonly NodeDescription[];
  onAdded(node: LGraphNode): void;
  onFileDropped(file: File): void;
}

export function wireCanvasInteractions(setup: CanvasSetup, interactions: CanvasInteractions): void {
  const element = setup.canvas.canvas;
  element.addEventListener('litegraph:canvas', (event) => {
    const detail = (event as CustomEvent<{ subType: string; originalEvent?: PointerEvent & { canvasX: number; canvasY: number } }>).detail;
    if (detail.subType !== 'empty-double-click' || !detail.originalEvent) return;
    const origin = detail.originalEvent;
    const at: [number, number] = [origin.canvasX, origin.canvasY];
    showQuickSearch({
      descriptions: interactions.descriptions,
      at: { x: origin.clientX, y: origin.clientY },
      onPick: (type) => {
        const node = addNode(setup, type, at);
        if (node) interactions.onAdded(node);
      },
    });
  });
  const host = element.parentElement!;
  host.addEventListener('dragover', (event) => {
    const types = event.dataTransfer?.types ?? [];
    if (types.includes(NODE_DRAG_MIME) || types.includes('Files')) {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    }
  });
  host.addEventListener('drop', (event) => {
    const transfer = event.dataTransfer;
    if (!transfer) return;
    const type = transfer.getData(NODE_DRAG_MIME);
    if (type) {
      event.preventDefault();
      const [x, y] = setup.canvas.convertEventToCanvasOffset(event);
      const node = addNode(setup, type, [x, y]);
      if (node) interactions.onAdded(node);
      return;
    }
    const file = transfer.files[0];
    if (file) {
      event.preventDefault();
      interactions.onFileDropped(file);
    }
  });
}
