/**
 * The litegraph node class of every node type the server describes: sockets for link inputs
 * and outputs, a widget (with its own socket, so a link can replace the value) for each widget
 * input, and the run state drawn on top. A saved node carries its values twice: positionally in
 * `widgets_values` (what ComfyUI-style tools read) and keyed by input name with the node type's
 * version in `properties.switchyard` (what survives a change of widget order). A widget driven by
 * a link is greyed and marked "linked"; the node menu converts widgets to inputs and back
 * (widget-convert.ts). Zoomed out, a node draws less (plain widget boxes, no sockets when tiny
 * but the pinned ones): hundreds of nodes in view stay smooth.
 */
import { LGraphNode, type IContextMenuValue, type LGraphCanvas } from '@comfyorg/litegraph';
import type { ISerialisedNode } from '@comfyorg/litegraph/dist/types/serialisation';
import type { IBaseWidget } from '@comfyorg/litegraph/dist/types/widgets';
import type { NodeDescription, NodeInputDescription } from '../wire.js';
import { drawRunState, runStroke } from './draw-state.js';
import { emptyRunState, type NodeRunState } from './run-state.js';
import { convertMenuOptions, drawLinkedMarks, drawPinnedSockets } from './widget-convert.js';
import { addInputWidgets, coerceNumber, CONTROL_WIDGET, drawWidgetPlaceholders, nextControlledValue } from './widgets.js';

/**
 * Below this many device pixels per graph unit a node is too small to show its sockets: they are
 * left out (links still end where they are) unless a link is being dragged to one.
 */
const OVERVIEW_SCALE = 0.35;

/** Called whenever a widget value changes (the editor marks the workflow modified). */
let widgetChanged: () => void = () => undefined;
export function onWidgetChange(listener: () => void): void {
  widgetChanged = listener;
}
/** Tells the listener a widget value changed (widgets call this). */
export function notifyWidgetChange(): void {
  widgetChanged();
}

/** Properties every node this editor draws has (known types and missing ones). */
export interface StatefulNode extends LGraphNode {
  readonly runState: NodeRunState;
}

export function isStatefulNode(node: LGraphNode): node is StatefulNode {
  return 'runState' in node;
}

export class EditorNode extends LGraphNode implements StatefulNode {
  static description: NodeDescription;
  readonly runState: NodeRunState = emptyRunState();

  constructor(title: string) {
    super(title);
    const description = (this.constructor as typeof EditorNode).description;
    this.serialize_widgets = true;
    this.addDescribedInputs(description);
    for (const output of description.outputs) this.addOutput(output.name, output.type);
    this.strokeStyles.run = () => runStroke(this.runState);
    this.size = this.computeSize();
    this.size[0] = Math.max(this.size[0], 220);
  }

  get description(): NodeDescription {
    return (this.constructor as typeof EditorNode).description;
  }

  /** Sockets and widgets, in the order the description declares its inputs. */
  protected addDescribedInputs(description: NodeDescription): void {
    for (const input of description.inputs) {
      if (!input.widget || input.force_input) {
        this.addInput(input.name, input.type, socketExtra(input));
        continue;
      }
      addInputWidgets(this, input, notifyWidgetChange);
      // A widget input also gets a socket: linking it replaces the widget's value.
      this.addInput(input.name, input.type, { ...socketExtra(input), widget: { name: input.name } });
    }
  }

  /** The name of the widget (and its socket) that holds `input` (an alias may rename it). */
  protected widgetNameOf(input: NodeInputDescription): string {
    return input.name;
  }

  /** The widget that holds an input, by our input name. */
  protected widgetOf(input: NodeInputDescription): IBaseWidget | undefined {
    const name = this.widgetNameOf(input);
    return this.widgets?.find((w) => w.name === name);
  }

  /** Sets a widget from a saved value, numbers coerced to the input's rules. */
  protected setWidgetValue(input: NodeInputDescription, value: unknown): void {
    const widget = this.widgetOf(input);
    if (widget) widget.value = input.type === 'INT' || input.type === 'FLOAT' ? coerceNumber(input, value) : (value as typeof widget.value);
  }

  /** Widget values keyed by input name (what the server prefers to positional values). */
  widgetValues(): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const input of this.description.inputs) {
      if (!input.widget || input.force_input) continue;
      const widget = this.widgetOf(input);
      if (widget) values[input.name] = widget.value;
    }
    return values;
  }

  /** Applies each seed's "control after generate" mode; answers whether a value changed. */
  applyControlModes(): boolean {
    let changed = false;
    const widgets = this.widgets ?? [];
    widgets.forEach((widget, index) => {
      const control = widgets[index + 1];
      if (control?.name !== CONTROL_WIDGET) return;
      const input = this.description.inputs.find((i) => this.widgetNameOf(i) === widget.name);
      if (!input || this.inputs.find((slot) => slot.widget?.name === widget.name)?.link != null) return;
      const next = nextControlledValue(input, Number(widget.value), String(control.value));
      if (next !== widget.value) {
        widget.value = next;
        changed = true;
      }
    });
    return changed;
  }

  override onSerialize(serialised: ISerialisedNode): void {
    serialised.properties = { ...serialised.properties, switchyard: { version: this.description.version, values: this.widgetValues() } };
  }

  override onConfigure(info: ISerialisedNode): void {
    this.applyKeyedValues(info);
  }

  /** Values keyed by name win over positions: they survive a node type reordering its widgets. */
  protected applyKeyedValues(info: ISerialisedNode): void {
    const ours = (info.properties as { switchyard?: { values?: Record<string, unknown> } } | undefined)?.switchyard?.values;
    if (ours === undefined) return;
    for (const input of this.description.inputs) if (input.name in ours) this.setWidgetValue(input, ours[input.name]);
  }

  override onDrawForeground(ctx: CanvasRenderingContext2D): void {
    if (!isIdle(this.runState)) drawRunState(this, this.runState, ctx);
  }

  override drawWidgets(ctx: CanvasRenderingContext2D, options: Parameters<LGraphNode['drawWidgets']>[1]): void {
    if (options.lowQuality) drawWidgetPlaceholders(this, ctx);
    else {
      super.drawWidgets(ctx, options);
      drawLinkedMarks(this, ctx);
    }
  }

  override drawSlots(ctx: CanvasRenderingContext2D, options: Parameters<LGraphNode['drawSlots']>[1]): void {
    const overview = options.lowQuality && !options.fromSlot && ctx.getTransform().a < OVERVIEW_SCALE;
    if (!overview) super.drawSlots(ctx, options);
    // Sockets converted to inputs show at any zoom (litegraph draws the linked ones when not zoomed out).
    drawPinnedSockets(this, ctx, options, overview);
  }

  /** "Convert <input> to input" and back, first in the node's menu. */
  override getExtraMenuOptions(_canvas: LGraphCanvas, _options: (IContextMenuValue | null)[]): (IContextMenuValue | null)[] {
    return convertMenuOptions(this, notifyWidgetChange);
  }
}

/** Nothing of a run to draw (most nodes, most of the time: no per-frame work for them). */
function isIdle(state: NodeRunState): boolean {
  return state.status === 'idle' && state.images.length === 0 && state.texts.length === 0 && state.validation.length === 0 && state.error === undefined && state.durationMs === undefined;
}

/** Socket options of an input: its tooltip, and a hollow socket when it is optional. */
export function socketExtra(input: NodeInputDescription): { tooltip?: string; shape?: number } {
  return { tooltip: input.tooltip, ...(input.optional ? { shape: 7 } : {}) };
}

/** A node class for one described type (litegraph instantiates it by type name). */
export function nodeClassFor(description: NodeDescription): typeof EditorNode {
  return class extends EditorNode {
    static override description = description;
    static override title = description.title;
  };
}
