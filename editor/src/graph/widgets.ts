/**
 * Widgets for widget inputs, one per input kind of a node description: numbers with
 * min/max/step (integers stay integers, floats round to their `round`), single- and multi-line
 * text, toggles, combos, and for seed-like INT inputs a "control after generate" combo whose
 * value (fixed / increment / randomize) is applied after each submitted run. Zoomed out, widgets
 * are drawn as plain boxes in one path (litegraph draws each one's outline and arrows).
 */
import { LiteGraph, type LGraphNode } from '@comfyorg/litegraph';
import type { IBaseWidget } from '@comfyorg/litegraph/dist/types/widgets';
import type { NodeInputDescription } from '../wire.js';

export const CONTROL_WIDGET = 'control_after_generate';
export const CONTROL_MODES = ['fixed', 'increment', 'decrement', 'randomize'] as const;
export type ControlMode = (typeof CONTROL_MODES)[number];

/** Decimal places that show a step such as 0.01 exactly. */
function decimalsOf(step: number): number {
  if (!Number.isFinite(step) || step <= 0 || step >= 1) return 0;
  return Math.min(6, Math.ceil(-Math.log10(step) - 1e-9));
}

/** A number as the input accepts it: clamped, and integral or rounded as declared. */
export function coerceNumber(input: NodeInputDescription, value: unknown): number {
  let number = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(number)) number = typeof input.default === 'number' ? input.default : (input.min ?? 0);
  if (input.type === 'INT') number = Math.round(number);
  else if (input.round !== undefined && input.round > 0) number = Math.round(number / input.round) * input.round;
  if (input.min !== undefined && number < input.min) number = input.min;
  if (input.max !== undefined && number > input.max) number = input.max;
  // Binary floats: 0.1 * 3 shows as 0.30000000000000004 without this.
  return input.type === 'INT' ? number : Number(number.toFixed(10));
}

function defaultOf(input: NodeInputDescription): number | string | boolean {
  if (input.default !== undefined) return input.default;
  switch (input.type) {
    case 'INT':
    case 'FLOAT':
      return input.min !== undefined && input.min > 0 ? input.min : 0;
    case 'BOOLEAN':
      return false;
    case 'COMBO':
      return input.options?.[0] ?? '';
    default:
      return '';
  }
}

/** Adds the widget(s) of one widget input; answers them (the value widget first). */
export function addInputWidgets(node: LGraphNode, input: NodeInputDescription, onChange: () => void): IBaseWidget[] {
  const initial = defaultOf(input);
  const widgets: IBaseWidget[] = [];
  switch (input.type) {
    case 'INT':
    case 'FLOAT': {
      const step = input.step ?? (input.type === 'INT' ? 1 : input.round ?? 0.01);
      const widget: IBaseWidget = node.addWidget('number', input.name, coerceNumber(input, initial), (value: unknown) => {
        widget.value = coerceNumber(input, value);
        onChange();
      }, { min: input.min, max: input.max, step2: step, precision: input.type === 'INT' ? 0 : Math.max(decimalsOf(step), decimalsOf(input.round ?? 1)) });
      widgets.push(widget);
      if (input.type === 'INT' && input.control) {
        widgets.push(node.addWidget('combo', CONTROL_WIDGET, 'fixed', () => onChange(), { values: [...CONTROL_MODES] }));
      }
      break;
    }
    case 'BOOLEAN':
      widgets.push(node.addWidget('toggle', input.name, Boolean(initial), () => onChange(), { on: 'true', off: 'false' }));
      break;
    case 'COMBO': {
      const options = input.options ?? [];
      widgets.push(node.addWidget('combo', input.name, String(initial), () => onChange(), { values: options.length > 0 ? [...options] : [String(initial)] }));
      break;
    }
    default:
      widgets.push(node.addWidget('text', input.name, String(initial), () => onChange(), { multiline: input.multiline === true }));
      break;
  }
  for (const widget of widgets) if (input.tooltip) widget.tooltip = input.tooltip;
  return widgets;
}

/** The next value of a seed after a run, by its control mode. */
export function nextControlledValue(input: NodeInputDescription, value: number, mode: string, random: () => number = Math.random): number {
  const min = input.min ?? 0;
  const max = input.max ?? Number.MAX_SAFE_INTEGER;
  switch (mode) {
    case 'increment':
      return value + 1 > max ? min : value + 1;
    case 'decrement':
      return value - 1 < min ? max : value - 1;
    case 'randomize': {
      // Two halves: Math.random has 52 bits, a seed range may be wider than 2^32.
      const span = Math.min(max - min, Number.MAX_SAFE_INTEGER - 1);
      const high = Math.floor(random() * 2 ** 21);
      const low = Math.floor(random() * 2 ** 32);
      return min + ((high * 2 ** 32 + low) % (span + 1));
    }
    default:
      return value;
  }
}

/**
 * Zoomed out (litegraph's low quality: no text), each visible widget as a plain box, all in one
 * path and one fill: with hundreds of nodes in view this is most of a frame otherwise.
 */
export function drawWidgetPlaceholders(node: LGraphNode, ctx: CanvasRenderingContext2D): void {
  const widgets = node.widgets;
  if (!widgets || widgets.length === 0) return;
  const height = LiteGraph.NODE_WIDGET_HEIGHT;
  const margin = 15;
  ctx.beginPath();
  for (const widget of widgets) {
    if (!node.isWidgetVisible(widget)) continue;
    // What litegraph's own drawing records for pointer handling.
    widget.last_y = widget.y;
    widget.computedDisabled = widget.disabled || node.getSlotFromWidget(widget)?.link != null;
    ctx.rect(margin, widget.y, (widget.width ?? node.size[0]) - margin * 2, widget.computedHeight ?? height);
  }
  ctx.fillStyle = LiteGraph.WIDGET_BGCOLOR;
  ctx.fill();
}
