/**
 * The litegraph node class of every node type the server describes: sockets for link inputs
 * and outputs, a widget (with its own socket, so a link can replace the value) for each widget
 * input, and the run state drawn on top. A saved node carries its values twice: positionally in
 * `widgets_values` (what ComfyUI-style tools read) and keyed by input name with the node type's
 * version in `properties.switchyard` (what survives a change of widget order).
 */
import { LGraphNode } from '@comfyorg/litegraph';
import type { ISerialisedNode } from '@comfyorg/litegraph/dist/types/serialisation';
import type { NodeDescription, NodeInputDescription } from '../wire.js';
import { drawRunState, runStroke } from './draw-state.js';
import { emptyRunState, type NodeRunState } from './run-state.js';
import { addInputWidgets, coerceNumber, CONTROL_WIDGET, nextControlledValue } from './widgets.js';

/** Called whenever a widget value changes (the editor marks the workflow modified). */
let widgetChanged: () => void = () => undefined;
export function onWidgetChange(listener: () => void): void {
  widgetChanged = listener;
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
    for (const input of description.inputs) this.addDescribedInput(input);
    for (const output of description.outputs) this.addOutput(output.name, output.type);
    this.strokeStyles.run = () => runStroke(this.runState);
    this.size = this.computeSize();
    this.size[0] = Math.max(this.size[0], 220);
  }

  get description(): NodeDescription {
    return (this.constructor as typeof EditorNode).description;
  }

  private addDescribedInput(input: NodeInputDescription): void {
    const extra = { tooltip: input.tooltip, ...(input.optional ? { shape: 7 } : {}) };
    if (!input.widget || input.force_input) {
      this.addInput(input.name, input.type, extra);
      return;
    }
    addInputWidgets(this, input, () => widgetChanged());
    // A widget input also gets a socket: linking it replaces the widget's value.
    this.addInput(input.name, input.type, { ...extra, widget: { name: input.name } });
  }

  /** Widget values keyed by input name (what the server prefers to positional values). */
  widgetValues(): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const input of this.description.inputs) {
      if (!input.widget || input.force_input) continue;
      const widget = this.widgets?.find((w) => w.name === input.name);
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
      const input = this.description.inputs.find((i) => i.name === widget.name);
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
    // Values keyed by name win over positions: they survive a node type reordering its widgets.
    const ours = (info.properties as { switchyard?: { values?: Record<string, unknown> } } | undefined)?.switchyard?.values;
    if (ours === undefined) return;
    for (const input of this.description.inputs) {
      if (!(input.name in ours)) continue;
      const widget = this.widgets?.find((w) => w.name === input.name);
      if (!widget) continue;
      const value = ours[input.name];
      widget.value = input.type === 'INT' || input.type === 'FLOAT' ? coerceNumber(input, value) : (value as typeof widget.value);
    }
  }

  override onDrawForeground(ctx: CanvasRenderingContext2D): void {
    drawRunState(this, this.runState, ctx);
  }
}

/** A node class for one described type (litegraph instantiates it by type name). */
export function nodeClassFor(description: NodeDescription): typeof EditorNode {
  return class extends EditorNode {
    static override description = description;
    static override title = description.title;
  };
}
