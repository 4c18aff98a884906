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
  /** Told of every edit (the undo history takes a state soon after); set by app/undo.ts. */
  noteEdit?(): void;
  /** The open tabs, told when workflow files open, save, rename or delete; set by app/tabs.ts. */
  workflows?: WorkflowHost;
  /** Which tab the canvas shows now (live run states go only to the tab that ran); set by app/tabs.ts. */
  currentTab?(): number;
  /** What an unsaved tab is called (a dropped file's name) while it has no saved name; set by app/tabs.ts. */
  workflowLabel?(): string | undefined;
}

/** What workflow files tell the tabs (app/tabs.ts implements it). */
export interface WorkflowHost {
  /** Before opening a workflow: a new tab becomes current unless the current one is blank. */
  prepareForOpen(): void;
  /** Makes the tab showing saved workflow `name` current; answers false when none does. */
  focusOpen(name: string): boolean;
  /** The graph now shows a workflow just opened: its undo history starts here. `label`
   * names an unsaved tab (a dropped file's name, say). */
  opened(clean: boolean, label?: string): void;
  /** The current workflow was saved: its present state is the clean one. */
  saved(): void;
  /** A saved workflow was renamed (`to`) or deleted (`to` undefined) on the server. */
  renamed(from: string, to: string | undefined): void;
}

export function markModified(ctx: EditorContext): void {
  ctx.noteEdit?.();
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

/**
 * The node on the canvas that shows node `id` of a run: the node itself, or — for an inner node
 * of a subgraph, which runs as "<instance>:<inner>" — the subgraph instance.
 */
export function shownNode(graph: LGraph, id: string): { node: StatefulNode; exact: boolean } | undefined {
  const node = nodeById(graph, id);
  if (node) return { node, exact: true };
  const colon = id.indexOf(':');
  const instance = colon > 0 ? nodeById(graph, id.slice(0, colon)) : undefined;
  return instance ? { node: instance, exact: false } : undefined;
}

export function redraw(ctx: EditorContext): void {
  ctx.canvas.setDirty(true, true);
}
