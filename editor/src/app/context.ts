/**
 * What the editor's parts share: the graph and its canvas, the node catalog from the server,
 * this tab's live client id, the status line, and the current workflow's name and
 * unsaved-changes flag.
 */
import type { LGraph, LGraphCanvas, LGraphNode } from '@comfyorg/litegraph';
import type { NodeCatalog } from '../graph/node-types.js';
import { isStatefulNode, type StatefulNode } from '../graph/editor-node.js';
import type { NodeDescription } from '../wire.js';

export type StatusKind = 'info' | 'ok' | 'error' | 'busy';

export interface EditorContext {
  readonly graph: LGraph;
  readonly canvas: LGraphCanvas;
  readonly catalog: NodeCatalog;
  readonly descriptions: readonly NodeDescription[];
  /** Sent as `client_id` with each run: the server routes the run's live events to it. */
  readonly clientId: string;
  status(message: string, kind?: StatusKind): void;
  /** The saved workflow's name, if it came from or went to the server. */
  workflowName: string | undefined;
  modified: boolean;
  /** Called after the name or the modified flag changed (the toolbar shows both). */
  onWorkflowChange(): void;
}

export function markModified(ctx: EditorContext): void {
  if (ctx.modified) return;
  ctx.modified = true;
  ctx.onWorkflowChange();
}

/** Every node that carries run state (all of them, unless a foreign class slipped in). */
export function statefulNodes(graph: LGraph): StatefulNode[] {
  return (graph._nodes as LGraphNode[]).filter(isStatefulNode);
}

export function nodeById(graph: LGraph, id: string): StatefulNode | undefined {
  const node = graph.getNodeById(id);
  return node && isStatefulNode(node) ? node : undefined;
}

export function redraw(ctx: EditorContext): void {
  ctx.canvas.setDirty(true, true);
}
