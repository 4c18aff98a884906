/**
 * A node saved under an alias of a node type the server knows — a ComfyUI class name such as
 * KSampler — is a real, editable node: sockets and widgets under the alias's input names, the
 * widgets in the alias's positional order (with the "control after generate" combo after a
 * seed, as ComfyUI has it), and it saves back in ComfyUI's format under the same class name:
 * positional `widgets_values` by the published layout, no values keyed by name unless the file
 * had them, and every field of the loaded node it does not edit kept as it was.
 */
import type { ISerialisedNode } from '@comfyorg/litegraph/dist/types/serialisation';
import type { NodeAliasDescription, NodeDescription, NodeInputDescription } from '../wire.js';
import { readAliasValues, writeAliasValues, type AliasValues } from './alias-values.js';
import { EditorNode, notifyWidgetChange, socketExtra } from './editor-node.js';
import { mergeSlots } from './foreign-node.js';
import { readConverted } from './widget-inputs.js';
import { addInputWidgets, CONTROL_WIDGET } from './widgets.js';

type Slot = Record<string, unknown>;

export class AliasNode extends EditorNode {
  static alias: NodeAliasDescription;
  /** The node as loaded (absent for a node added in the editor). */
  private original: Record<string, unknown> | undefined;
  private loadedValues: AliasValues | undefined;

  get alias(): NodeAliasDescription {
    return (this.constructor as typeof AliasNode).alias;
  }

  /** ComfyUI's layout: link sockets in declaration order, widgets in the alias's positions, then their sockets. */
  protected override addDescribedInputs(description: NodeDescription): void {
    const alias = (this.constructor as typeof AliasNode).alias;
    const nameOf = (input: NodeInputDescription) => aliasNameOf(alias, input.name);
    for (const input of description.inputs) if (!input.widget || input.force_input) this.addInput(nameOf(input), input.type, socketExtra(input));
    const widgetInputs: NodeInputDescription[] = [];
    alias.widgets_values.forEach((slot, index) => {
      if (slot.kind !== 'input') return;
      const input = description.inputs.find((candidate) => candidate.name === slot.input);
      if (!input) return;
      const next = alias.widgets_values[index + 1];
      const control = next?.kind === 'control' && next.input === slot.input;
      addInputWidgets(this, { ...input, name: slot.name, control }, notifyWidgetChange);
      widgetInputs.push(input);
    });
    for (const input of widgetInputs) this.addInput(nameOf(input), input.type, { ...socketExtra(input), widget: { name: nameOf(input) } });
  }

  protected override widgetNameOf(input: NodeInputDescription): string {
    return aliasNameOf(this.alias, input.name);
  }

  private inputNamed(name: string): NodeInputDescription | undefined {
    return this.description.inputs.find((input) => input.name === name);
  }

  /** The index of the widget holding our input `name` (its control combo, if any, is the next one); -1 if none. */
  private widgetIndexOf(name: string): number {
    const input = this.inputNamed(name);
    return input ? (this.widgets ?? []).findIndex((widget) => widget.name === this.widgetNameOf(input)) : -1;
  }

  /** litegraph would assign `widgets_values` to widgets by position; an alias's positions are not its widgets'. */
  override configure(info: ISerialisedNode): void {
    this.original = structuredClone(info) as unknown as Record<string, unknown>;
    const { widgets_values: values, ...rest } = info;
    super.configure(rest as ISerialisedNode);
    this.loadValues(values as unknown);
    // Values keyed by our input names win, as on the server (a file of ours may carry them).
    this.applyKeyedValues(info);
    this.addMissingWidgetSockets();
  }

  private loadValues(values: unknown): void {
    if (Array.isArray(values)) {
      this.loadedValues = readAliasValues(this.alias.widgets_values, values, (name) => this.inputNamed(name)?.type);
      for (const [name, value] of this.loadedValues.inputs) {
        const input = this.inputNamed(name);
        if (input) this.setWidgetValue(input, value);
      }
      for (const [name, mode] of this.loadedValues.controls) {
        const index = this.widgetIndexOf(name);
        const control = this.widgets?.[index + 1];
        if (index >= 0 && control?.name === CONTROL_WIDGET) control.value = mode;
      }
    } else if (typeof values === 'object' && values !== null) {
      // Some tools key values by widget name instead of position.
      for (const [key, value] of Object.entries(values)) {
        const input = this.inputNamed(this.alias.input_renames[key] ?? key);
        if (input) this.setWidgetValue(input, value);
      }
    }
  }

  /** Files from older ComfyUI versions have no sockets for widgets: add them, so a widget can still take a link. */
  private addMissingWidgetSockets(): void {
    for (const input of this.description.inputs) {
      if (!input.widget || input.force_input) continue;
      const name = this.widgetNameOf(input);
      if (!this.widgets?.some((widget) => widget.name === name)) continue;
      if (this.inputs.some((slot) => slot.widget?.name === name || slot.name === name)) continue;
      this.addInput(name, input.type, { ...socketExtra(input), widget: { name } });
    }
  }

  // Keyed values are applied after the positional ones (configure), not before them.
  override onConfigure(): void {}

  override onSerialize(serialised: ISerialisedNode): void {
    const live = serialised as unknown as Record<string, unknown>;
    const values = writeAliasValues(this.alias.widgets_values, (slot) => {
      const index = this.widgetIndexOf(slot.input);
      if (index < 0) return null;
      return slot.kind === 'control' ? this.widgets![index + 1]?.value ?? 'fixed' : this.widgets![index]!.value;
    }, this.loadedValues);
    // A node without widgets has no widgets_values (litegraph writes none, nor does ComfyUI).
    if (values.length > 0 || (this.original !== undefined && 'widgets_values' in this.original)) live.widgets_values = values;
    else delete live.widgets_values;
    const properties = (live.properties ?? {}) as Record<string, unknown>;
    // Values keyed by name are written only where the file had them (the server prefers them to positions).
    if (properties.switchyard !== undefined) live.properties = { ...properties, switchyard: { version: this.description.version, values: this.widgetValues() } };
    const original = this.original;
    if (!original) return;
    const merged: Record<string, unknown> = { ...original, ...live };
    if (!('title' in live) && original.title !== this.title) delete merged.title;
    merged.inputs = this.withoutAddedSockets(mergeSlots(original.inputs, live.inputs as Slot[] | undefined), original.inputs);
    merged.outputs = mergeSlots(original.outputs, live.outputs as Slot[] | undefined);
    if (merged.inputs === undefined) delete merged.inputs;
    if (merged.outputs === undefined) delete merged.outputs;
    for (const key of Object.keys(live)) delete live[key];
    Object.assign(live, merged);
  }

  /**
   * The widget sockets added on load, when nothing links them and they are not converted to
   * inputs, stay out of the file (trailing ones only: indexes must not move). A converted one
   * stays, as ComfyUI writes a widget converted to an input: `{name, type, widget: {name}, link}`.
   */
  private withoutAddedSockets(slots: Slot[] | undefined, original: unknown): Slot[] | undefined {
    if (!slots) return slots;
    const loaded = Array.isArray(original) ? original.length : 0;
    const converted = new Set(readConverted(this.properties));
    const removable = (slot: Slot | undefined) => {
      const widget = slot?.widget as { name?: unknown } | undefined;
      return slot?.link == null && widget !== undefined && !converted.has(String(widget.name));
    };
    let end = slots.length;
    while (end > loaded && removable(slots[end - 1])) end--;
    return slots.slice(0, end);
  }
}

/** The alias's name for one of our inputs. */
export function aliasNameOf(alias: NodeAliasDescription, input: string): string {
  for (const [aliasName, ours] of Object.entries(alias.input_renames)) if (ours === input) return aliasName;
  return input;
}

/** A node class for one alias of a described type. */
export function aliasClassFor(description: NodeDescription, alias: NodeAliasDescription): typeof AliasNode {
  return class extends AliasNode {
    static override description = description;
    static override alias = alias;
    static override title = description.title;
    // The palette lists the type under its own name.
    static override skip_list = true;
  };
}
