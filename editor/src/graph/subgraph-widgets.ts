/**
 * The widgets a subgraph node shows (ComfyUI "promotes" them): for each input of the subgraph
 * whose link inside reaches a widget input of an inner node, the instance shows that widget,
 * and its `widgets_values` hold one value per such input, in input order — which is what the
 * server reads when it expands the subgraph (engine/graph/convert.ts). Which inner widget an
 * input reaches is known to the page that opened the file (app/workflow-io.ts sets the lookup).
 */
import type { NodeInputDescription } from '../wire.js';

type PromotedLookup = (subgraphId: string, slot: number) => NodeInputDescription | undefined;

let lookup: PromotedLookup = () => undefined;

export function setPromotedWidgetLookup(next: PromotedLookup): void {
  lookup = next;
}

/** The widget input that input `slot` of subgraph `subgraphId` feeds inside, if any. */
export function promotedInput(subgraphId: string, slot: number): NodeInputDescription | undefined {
  return lookup(subgraphId, slot);
}
