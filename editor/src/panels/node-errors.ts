/**
 * Error details from the canvas: the errors of the last run this tab submitted are kept by
 * node id, and a failed node's context menu (right-click) gets "Error details…" opening the
 * details panel. The canvas's own node menu is wrapped, not replaced, so other additions to it
 * stay.
 */
import type { LGraphCanvas, LGraphNode } from '@comfyorg/litegraph';
import type { EditorContext } from '../app/context.js';
import type { LiveClient } from '../app/live.js';
import { isStatefulNode } from '../graph/editor-node.js';
import { showErrorDetails } from './error-details.js';
import type { RunErrorDetail, RunListItem } from './run-types.js';

export interface NodeError {
  error: RunErrorDetail;
  run: { id: string; number: number };
}

export interface NodeErrors {
  errorFor(nodeId: string): NodeError | undefined;
  open(node: LGraphNode): void;
}

/** Selects the node and brings it to the middle of the canvas; false when there is none. */
export function showNodeOnCanvas(ctx: EditorContext, nodeId: string): boolean {
  const node = ctx.graph.getNodeById(nodeId);
  if (!node) return false;
  ctx.canvas.selectNode(node);
  ctx.canvas.centerOnNode(node);
  ctx.canvas.setDirty(true, true);
  return true;
}

/** "code: message" as the canvas keeps a run-time error, back into its parts. */
function fromCanvasText(node: LGraphNode, text: string): RunErrorDetail {
  const match = /^([a-z_]+): ([\s\S]*)$/.exec(text);
  return {
    node_id: String(node.id),
    node_type: node.type ?? null,
    code: match?.[1] ?? 'node_failed',
    message: match?.[2] ?? text,
    details: {},
    inputs: null,
  };
}

export function trackNodeErrors(ctx: EditorContext, live: LiveClient): NodeErrors {
  let latest = new Map<string, NodeError>();
  live.onFollow(() => {
    latest = new Map();
  });
  live.onRunEnded((event) => {
    const run = event.run as unknown as RunListItem;
    for (const error of run.errors ?? []) {
      if (error.node_id !== null) latest.set(error.node_id, { error: { ...error, details: error.details ?? {}, inputs: error.inputs ?? null }, run: { id: run.id, number: run.number } });
    }
  });
  const errors: NodeErrors = {
    errorFor: (nodeId) => latest.get(nodeId),
    open(node) {
      const known = latest.get(String(node.id));
      const showNode = (id: string) => showNodeOnCanvas(ctx, id);
      // Another open workflow may use the same node id: the type must match too.
      if (known && (known.error.node_type === null || known.error.node_type === node.type)) {
        showErrorDetails(known.error, { run: known.run, showNode });
        return;
      }
      const text = isStatefulNode(node) ? node.runState.error : undefined;
      showErrorDetails(fromCanvasText(node, text ?? 'no error is recorded for this node'), {
        showNode,
        note: 'Only the message shown on the canvas is known here: open the run in the Queue for everything the server recorded.',
      });
    },
  };
  wrapNodeMenu(ctx.canvas, errors);
  return errors;
}

function wrapNodeMenu(canvas: LGraphCanvas, errors: NodeErrors): void {
  const original = canvas.getNodeMenuOptions.bind(canvas);
  canvas.getNodeMenuOptions = (node: LGraphNode) => {
    const options = original(node);
    if (isStatefulNode(node) && node.runState.status === 'error') {
      options.unshift({ content: 'Error details…', callback: () => errors.open(node) }, null);
    }
    return options;
  };
}
