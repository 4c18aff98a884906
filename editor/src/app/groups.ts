/**
 * Groups: a titled frame put around the selected nodes (and reroutes). litegraph does the rest:
 * dragging a group's title moves it with everything inside, its corner resizes it, and its
 * context menu edits the title and colour.
 */
import { LGraphGroup, type Positionable } from '@comfyorg/litegraph';
import { markModified, redraw, type EditorContext } from './context.js';

export function groupSelection(ctx: EditorContext, title = 'Group'): LGraphGroup | undefined {
  const items = [...ctx.canvas.selectedItems].filter((item: Positionable) => !(item instanceof LGraphGroup));
  if (items.length === 0) {
    ctx.status('Select the nodes to group first (click a node; Shift+click or Ctrl+drag for more).', 'info');
    return undefined;
  }
  const group = new LGraphGroup(title);
  group.resizeTo(items, 14);
  ctx.graph.add(group);
  group.recomputeInsideNodes();
  markModified(ctx);
  redraw(ctx);
  ctx.status(`Grouped ${items.length} item(s): drag the group's title to move them together`, 'info');
  return group;
}
