/**
 * The rules of widget inputs, as plain data (no litegraph, no DOM: tested in Node). Every
 * widget input has a socket, and a link on it replaces the widget's value. "Convert to input"
 * (ComfyUI's name for it) pins that socket in view — drawn at any zoom, even unlinked — and is
 * remembered by widget name in the node's properties, so a saved workflow keeps it; "Convert to
 * widget" unpins it and removes its link. A linked widget is an input whether pinned or not.
 */

/** The node property holding the pinned widget names (only written while there is one). */
export const CONVERTED_PROPERTY = 'switchyard_converted_inputs';

export interface WidgetSocketState {
  /** The widget's (and its socket's) name, as the node shows it. */
  widget: string;
  linked: boolean;
  converted: boolean;
}

export interface ConvertChoice {
  widget: string;
  label: string;
}

/** The pinned widget names in `properties` (anything else there is ignored). */
export function readConverted(properties: Readonly<Record<string, unknown>> | undefined): string[] {
  const value = properties?.[CONVERTED_PROPERTY];
  return Array.isArray(value) ? [...new Set(value.filter((name): name is string => typeof name === 'string'))] : [];
}

/** Pins (`on`) or unpins widget `name` in `properties`; the property goes once nothing is pinned. */
export function setConverted(properties: Record<string, unknown>, name: string, on: boolean): void {
  const names = readConverted(properties).filter((other) => other !== name);
  if (on) names.push(name);
  if (names.length > 0) properties[CONVERTED_PROPERTY] = names;
  else delete properties[CONVERTED_PROPERTY];
}

/** Whether a socket is drawn even when the pointer is elsewhere: linked, or pinned. */
export function isInputShown(state: WidgetSocketState): boolean {
  return state.linked || state.converted;
}

/** What the node menu offers: widgets to turn into inputs, and inputs to turn back. */
export function convertChoices(states: readonly WidgetSocketState[]): { toInput: ConvertChoice[]; toWidget: ConvertChoice[] } {
  return {
    toInput: states.filter((state) => !isInputShown(state)).map((state) => ({ widget: state.widget, label: `Convert ${state.widget} to input` })),
    toWidget: states.filter(isInputShown).map((state) => ({ widget: state.widget, label: `Convert ${state.widget} to widget` })),
  };
}

/** Text for litegraph's menu, which sets entries as HTML: names from packs must stay text. */
export function menuText(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
