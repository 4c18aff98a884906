/**
 * Nodes the editor cannot edit but must keep: types the server does not know ("missing"),
 * ComfyUI's editor-only nodes the server resolves itself (notes, reroutes, primitives:
 * "virtual"), and instances of a ComfyUI subgraph ("subgraph": the server runs its inner nodes;
 * its inside is edited in ComfyUI); ComfyUI class names the server knows as aliases are editable
 * (alias-node.ts).
 * Such a node shows its type name, keeps its sockets so links still draw and connect, and saves
 * back exactly what it was loaded from — every field, widget value and property — with only its
 * place, size, links and mode updated.
 */
import { LGraphNode } from '@comfyorg/litegraph';
import type { ISerialisedNode } from '@comfyorg/litegraph/dist/types/serialisation';
import { drawRunState, runStroke } from './draw-state.js';
import { notifyWidgetChange } from './editor-node.js';
import { promotedInput } from './subgraph-widgets.js';
import { addInputWidgets, coerceNumber } from './widgets.js';
import { emptyRunState, type NodeRunState } from './run-state.js';
import type { StatefulNode } from './editor-node.js';

export type ForeignKind = 'missing' | 'virtual' | 'subgraph';

/** ComfyUI's editor-only node types: the server drops notes and resolves reroutes and primitives. */
export const VIRTUAL_TYPES: ReadonlySet<string> = new Set(['Note', 'MarkdownNote', 'Reroute', 'PrimitiveNode']);

type Slot = Record<string, unknown>;

/** Original slot fields, with the live ones (link, links) laid over them. */
export function mergeSlots(original: unknown, current: Slot[] | undefined): Slot[] | undefined {
  if (!Array.isArray(original) || !current) return current;
  return current.map((slot, index) => {
    const before = original[index];
    if (typeof before !== 'object' || before === null) return slot;
    const merged: Slot = { ...(before as Slot) };
    for (const key of ['link', 'links', 'slot_index', 'name', 'type'] as const) if (key in slot) merged[key] = slot[key];
    return merged;
  });
}

export class ForeignNode extends LGraphNode implements StatefulNode {
  static kind: ForeignKind = 'missing';
  readonly runState: NodeRunState = emptyRunState();
  private original: Record<string, unknown> | undefined;

  constructor(title: string) {
    super(title);
    const kind = (this.constructor as typeof ForeignNode).kind;
    this.serialize_widgets = false;
    if (kind === 'missing') {
      this.color = '#8f2d2d';
      this.bgcolor = '#3d1f1f';
    } else if (kind === 'subgraph') {
      this.color = '#2d5f6f';
      this.bgcolor = '#1f3338';
    }
    this.strokeStyles.run = () => runStroke(this.runState);
    this.size = [260, 80];
  }

  get kind(): ForeignKind {
    return (this.constructor as typeof ForeignNode).kind;
  }

  override onConfigure(info: ISerialisedNode): void {
    this.original = structuredClone(info) as unknown as Record<string, unknown>;
    if (this.kind === 'missing') this.has_errors = true;
    if (this.kind === 'subgraph') this.addPromotedWidgets(info);
  }

  /** A subgraph node's promoted widgets: widget index → where its value lives in `widgets_values`. */
  private promoted = new Map<number, { position: number; name: string }>();
  /** Promoted widgets the person changed: only those are written back (the rest stay as the file has them). */
  private touched = new Set<number>();

  /**
   * A subgraph node shows the widgets its inputs promote (subgraph-widgets.ts), with the values
   * its `widgets_values` hold — one per input that has a widget, in input order (or keyed by
   * widget name). A value the file does not hold shows the input's default, and is written back
   * only once changed, so the inner node keeps its own value until then.
   */
  private addPromotedWidgets(info: ISerialisedNode): void {
    const stored = info.widgets_values as unknown;
    const keyed = typeof stored === 'object' && stored !== null && !Array.isArray(stored) ? stored as Record<string, unknown> : undefined;
    const values = Array.isArray(stored) ? stored : [];
    let position = 0;
    (info.inputs ?? []).forEach((input, slot) => {
      if (!input.widget) return;
      const at = position++;
      const spec = promotedInput(this.type, slot);
      if (!spec) return;
      const name = input.widget.name;
      let index = -1;
      const [widget] = addInputWidgets(this, { ...spec, name: input.name, control: false }, () => {
        this.touched.add(index);
        notifyWidgetChange();
      });
      if (!widget) return;
      index = this.widgets!.indexOf(widget);
      const value = keyed ? (Object.hasOwn(keyed, name) ? keyed[name] : undefined) : values[at];
      if (value !== undefined && value !== null) widget.value = spec.type === 'INT' || spec.type === 'FLOAT' ? coerceNumber(spec, value) : value as never;
      this.promoted.set(index, { position: at, name });
    });
  }

  override onSerialize(serialised: ISerialisedNode): void {
    const original = this.original;
    if (!original) return;
    const live = serialised as unknown as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...original };
    for (const key of ['id', 'pos', 'size', 'flags', 'order', 'mode', 'title', 'color', 'bgcolor'] as const) {
      if (live[key] !== undefined) merged[key] = live[key];
    }
    // The look of a missing or subgraph node is the editor's, not the file's.
    if (this.kind !== 'virtual') {
      if ('color' in original) merged.color = original.color;
      else delete merged.color;
      if ('bgcolor' in original) merged.bgcolor = original.bgcolor;
      else delete merged.bgcolor;
    }
    if (this.touched.size > 0) {
      // Changed values go where the file keeps them: by widget name in a keyed object, else by
      // position (earlier positions the file lacks are null, which the server reads as "no value").
      const stored = original.widgets_values;
      if (typeof stored === 'object' && stored !== null && !Array.isArray(stored)) {
        const keyed: Record<string, unknown> = { ...(stored as Record<string, unknown>) };
        for (const index of this.touched) {
          const place = this.promoted.get(index);
          if (place) Object.defineProperty(keyed, place.name, { value: this.widgets?.[index]?.value, enumerable: true, writable: true, configurable: true });
        }
        merged.widgets_values = keyed;
      } else {
        const values = Array.isArray(stored) ? [...(stored as unknown[])] : [];
        for (const index of this.touched) {
          const place = this.promoted.get(index);
          if (!place) continue;
          while (values.length < place.position) values.push(null);
          values[place.position] = this.widgets?.[index]?.value;
        }
        merged.widgets_values = values;
      }
    }
    merged.inputs = mergeSlots(original.inputs, live.inputs as Slot[] | undefined);
    merged.outputs = mergeSlots(original.outputs, live.outputs as Slot[] | undefined);
    if (merged.inputs === undefined) delete merged.inputs;
    if (merged.outputs === undefined) delete merged.outputs;
    for (const key of Object.keys(live)) delete live[key];
    Object.assign(live, merged);
  }

  /** The text of a note node (its first widget value). */
  private noteText(): string | undefined {
    const values = this.original?.widgets_values;
    return this.type.endsWith('Note') && Array.isArray(values) && typeof values[0] === 'string' ? values[0] : undefined;
  }

  override onDrawForeground(ctx: CanvasRenderingContext2D): void {
    // A subgraph node with widgets has no room for the note (its title says what it is).
    if (!this.flags.collapsed && !(this.kind === 'subgraph' && this.promoted.size > 0)) {
      const kind = this.kind;
      ctx.save();
      ctx.font = '12px sans-serif';
      ctx.fillStyle = kind === 'missing' ? '#ff9b94' : kind === 'subgraph' ? '#9fd3df' : '#aab';
      const rows = Math.max(this.inputs.length, this.outputs.length);
      const y = Math.max(rows * 20 + 14, 20);
      const text = kind === 'missing'
        ? `Missing node type: ${this.type}`
        : kind === 'subgraph'
          ? 'Subgraph: runs as its inner nodes\n(edit its inside in ComfyUI)'
          : this.noteText() ?? `Editor-only ${this.type} (kept as is)`;
      text.split('\n').slice(0, Math.max(1, Math.floor((this.size[1] - y + 14) / 15))).forEach((line, index) => ctx.fillText(line, 8, Math.min(y, this.size[1] - 8) + index * 15, this.size[0] - 16));
      ctx.restore();
    }
    drawRunState(this, this.runState, ctx);
  }
}

/** A class for one foreign type name (`name`: a subgraph's display name). */
export function foreignClassFor(type: string, kind: ForeignKind, name?: string): typeof ForeignNode {
  return class extends ForeignNode {
    static override kind = kind;
    static override title = kind === 'missing' ? `${type} (missing)` : kind === 'subgraph' ? `${name ?? type} (subgraph)` : type;
    static override skip_list = true;
  };
}
