/**
 * Widget inputs on the canvas: the node menu's "Convert <input> to input" / "to widget", the
 * pinned sockets drawn at any zoom, and the "linked" mark on a widget that a link drives
 * (litegraph itself greys such a widget, hides its value and ignores clicks on it). The value
 * under a link is kept: removing the link shows and uses it again. Rules in widget-inputs.ts.
 */
import { LiteGraph, type IContextMenuValue, type LGraphNode } from '@comfyorg/litegraph';
import { CONVERTED_PROPERTY, convertChoices, menuText, readConverted, setConverted, type WidgetSocketState } from './widget-inputs.js';

type SlotDrawOptions = Parameters<LGraphNode['drawSlots']>[1];

/** Each widget that has a socket, with whether it is linked and pinned. */
export function widgetSocketStates(node: LGraphNode): WidgetSocketState[] {
  const converted = new Set(readConverted(node.properties));
  const states: WidgetSocketState[] = [];
  for (const slot of node.inputs) {
    const name = slot.widget?.name;
    if (name === undefined || !node.widgets?.some((widget) => widget.name === name)) continue;
    states.push({ widget: name, linked: slot.link != null, converted: converted.has(name) });
  }
  return states;
}

/** Pins the socket of widget `name` (it reads as an input, ready for a link). */
export function convertToInput(node: LGraphNode, name: string, changed: () => void): void {
  setConverted(node.properties, name, true);
  node.setDirtyCanvas(true, true);
  changed();
}

/** Removes the link on widget `name`'s socket (if any) and unpins it: the widget's own value counts again. */
export function convertToWidget(node: LGraphNode, name: string, changed: () => void): void {
  const index = node.inputs.findIndex((slot) => slot.widget?.name === name);
  if (index >= 0 && node.inputs[index]!.link != null) node.disconnectInput(index);
  setConverted(node.properties, name, false);
  node.setDirtyCanvas(true, true);
  changed();
}

/** The node menu's entries: a submenu of widgets to convert to inputs, and one of inputs to convert back. */
export function convertMenuOptions(node: LGraphNode, changed: () => void): IContextMenuValue[] {
  const { toInput, toWidget } = convertChoices(widgetSocketStates(node));
  const submenu = (title: string, choices: typeof toInput, convert: typeof convertToInput): IContextMenuValue => ({
    content: title,
    has_submenu: true,
    submenu: {
      options: choices.map((choice) => ({ content: menuText(choice.label), callback: () => convert(node, choice.widget, changed) })),
    },
  });
  return [
    ...(toInput.length > 0 ? [submenu('Convert Widget to Input', toInput, convertToInput)] : []),
    ...(toWidget.length > 0 ? [submenu('Convert Input to Widget', toWidget, convertToWidget)] : []),
  ];
}

/**
 * Pinned sockets that litegraph leaves out: it draws a widget's socket only when linked or under
 * the pointer, and the node draws none zoomed far out (`withLinked`: then the linked ones too).
 * Called inside the node's slot drawing, so in the node's coordinates.
 */
export function drawPinnedSockets(node: LGraphNode, ctx: CanvasRenderingContext2D, options: SlotDrawOptions, withLinked: boolean): void {
  // Per node per frame: nothing to read for the (many) nodes without one.
  if (node.properties?.[CONVERTED_PROPERTY] === undefined) return;
  const converted = readConverted(node.properties);
  const alpha = ctx.globalAlpha;
  ctx.globalAlpha = options.editorAlpha ?? 1;
  for (const slot of node.inputs) {
    if ((slot.link != null && !withLinked) || slot.widget === undefined || !converted.includes(slot.widget.name)) continue;
    // litegraph's slot class (every input of a node is one) draws itself.
    if (!('draw' in slot) || typeof slot.draw !== 'function') continue;
    (slot as { draw(ctx: CanvasRenderingContext2D, options: object): void }).draw(ctx, { colorContext: options.colorContext, lowQuality: options.lowQuality, highlight: false });
  }
  ctx.globalAlpha = alpha;
}

/** "linked" where a widget's value would be, for each widget a link drives. */
export function drawLinkedMarks(node: LGraphNode, ctx: CanvasRenderingContext2D): void {
  // Per node per frame: most nodes have no linked widget, and then nothing is set up.
  if (!node.widgets || !node.inputs.some((slot) => slot.widget !== undefined && slot.link != null)) return;
  ctx.save();
  ctx.textAlign = 'right';
  ctx.font = `italic ${LiteGraph.NODE_SUBTEXT_SIZE}px ${LiteGraph.NODE_FONT}`;
  ctx.fillStyle = LiteGraph.WIDGET_SECONDARY_TEXT_COLOR;
  for (const widget of node.widgets) {
    if (!node.isWidgetVisible(widget) || node.getSlotFromWidget(widget)?.link == null) continue;
    const width = widget.width ?? node.size[0];
    ctx.fillText('linked', width - 30, widget.y + LiteGraph.NODE_WIDGET_HEIGHT * 0.7);
  }
  ctx.restore();
}
