/**
 * Muting and bypassing the selected nodes (litegraph's node `mode`: 2 never, 4 bypass; the
 * server leaves a muted node and whatever only it needs out of the run, and a bypassed node
 * hands its input of the output's type straight through), drawn on the canvas as a dimmed or
 * purple veil with a label so it is plain which nodes will not run.
 */
import { LGraphEventMode, LGraphNode, type LGraphCanvas } from '@comfyorg/litegraph';
import { markModified, redraw, type EditorContext } from './context.js';

export type SkipMode = LGraphEventMode.NEVER | LGraphEventMode.BYPASS;

const LOOK: Record<SkipMode, { fill: string; label: string; badge: string; text: string }> = {
  [LGraphEventMode.NEVER]: { fill: 'rgba(10, 12, 16, 0.62)', label: 'MUTED', badge: '#3a3f4a', text: '#e6e8ec' },
  [LGraphEventMode.BYPASS]: { fill: 'rgba(156, 39, 176, 0.38)', label: 'BYPASSED', badge: '#7b1fa2', text: '#ffffff' },
};

export function selectedNodes(canvas: LGraphCanvas): LGraphNode[] {
  return [...canvas.selectedItems].filter((item): item is LGraphNode => item instanceof LGraphNode);
}

/** Mutes (or bypasses) the selection; when every selected node already is, they run again. */
export function toggleMode(ctx: EditorContext, mode: SkipMode): void {
  const nodes = selectedNodes(ctx.canvas);
  const verb = mode === LGraphEventMode.NEVER ? 'mute' : 'bypass';
  if (nodes.length === 0) {
    ctx.status(`Select the nodes to ${verb} first (click a node; Shift+click or Ctrl+drag for more).`, 'info');
    return;
  }
  const undo = nodes.every((node) => node.mode === mode);
  for (const node of nodes) node.mode = undo ? LGraphEventMode.ALWAYS : mode;
  markModified(ctx);
  redraw(ctx);
  const count = nodes.length === 1 ? `“${nodes[0]!.title}”` : `${nodes.length} nodes`;
  ctx.status(undo ? `${count} will run again` : `${verb === 'mute' ? 'Muted' : 'Bypassed'} ${count}`, 'info');
}

/** Draws the veil over muted and bypassed nodes (call in graph space, after the nodes). */
export function drawSkippedNodes(canvas: LGraphCanvas, ctx: CanvasRenderingContext2D): void {
  const nodes = (canvas.graph?._nodes ?? []) as LGraphNode[];
  for (const node of nodes) {
    const look = LOOK[node.mode as SkipMode] as (typeof LOOK)[SkipMode] | undefined;
    if (!look) continue;
    const [x, y, width, height] = node.boundingRect;
    ctx.save();
    ctx.fillStyle = look.fill;
    ctx.beginPath();
    ctx.roundRect(x, y, width, height, 8);
    ctx.fill();
    // A badge just above the title bar's right end: it never hides the node's own text.
    ctx.font = 'bold 11px system-ui, sans-serif';
    const badgeWidth = ctx.measureText(look.label).width + 12;
    ctx.fillStyle = look.badge;
    ctx.beginPath();
    ctx.roundRect(x + width - badgeWidth, y - 20, badgeWidth, 17, 4);
    ctx.fill();
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = look.text;
    ctx.fillText(look.label, x + width - badgeWidth / 2, y - 11);
    ctx.restore();
  }
}
