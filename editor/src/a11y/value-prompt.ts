/**
 * litegraph's value prompt (the box a click on a number or text widget opens) made accessible:
 * it is a dialog labelled with the widget's name (litegraph titles every one "Value"), its field
 * and button are named, and when it closes (Enter, Escape, OK) the focus goes back to the
 * canvas instead of being lost.
 */
import type { LGraphCanvas } from '@comfyorg/litegraph';

const PROMPT = 'graphdialog';

/** The widget the prompt is for: the one under the pointer that opened it. */
function widgetName(canvas: LGraphCanvas): string | undefined {
  const [x, y] = canvas.graph_mouse;
  const widget = canvas.node_over?.getWidgetOnPos(x, y, true);
  return widget ? widget.label || widget.name : undefined;
}

function prepare(prompt: HTMLElement, name: string): void {
  prompt.setAttribute('role', 'dialog');
  prompt.setAttribute('aria-label', `Edit ${name}`);
  prompt.querySelector('.value')?.setAttribute('aria-label', name);
  prompt.querySelector('button')?.setAttribute('aria-label', `Set ${name}`);
}

export function wireValuePrompt(canvas: LGraphCanvas): void {
  const element = canvas.canvas;
  const host = element.parentElement;
  if (!host) return;
  new MutationObserver((records) => {
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node instanceof HTMLElement && node.classList.contains(PROMPT)) prepare(node, widgetName(canvas) ?? (node.querySelector('.name')?.textContent?.trim() || 'value'));
      }
      for (const node of record.removedNodes) {
        if (!(node instanceof HTMLElement) || !node.classList.contains(PROMPT)) continue;
        const active = document.activeElement;
        if (active === null || active === document.body) element.focus({ preventScroll: true });
      }
    }
  }).observe(host, { childList: true });
}
