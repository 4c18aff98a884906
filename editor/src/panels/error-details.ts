/**
 * The error details panel: everything the server said about a failure — its code, message,
 * the node (id and type), the node's inputs as the run saw them, and any details it attached
 * (a stack or traceback among them is shown as such) — with "Show node" to find the node on
 * the canvas and "Copy" to take the whole report elsewhere.
 */
import { button, el } from '../ui/dom.js';
import { openPanelDialog } from './dialog.js';
import type { RunErrorDetail } from './run-types.js';

const TRACE_KEYS = ['traceback', 'stack', 'cause'];
/** Detail keys the fields above already show. */
const SHOWN_KEYS = new Set(['nodeId', 'nodeType']);

export interface ErrorDetailsOptions {
  /** The run it happened in, when known. */
  run?: { id: string; number: number };
  /** Selects and centres the node on the canvas; answers false when the graph has no such node. */
  showNode?: (nodeId: string) => boolean;
  /** Said where nothing more than the canvas's message is known. */
  note?: string;
}

function field(term: string, value: Node | string, testId: string): HTMLElement[] {
  return [el('dt', {}, [term]), el('dd', { 'data-testid': testId }, [value])];
}

function traceText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((line) => typeof line === 'string')) return value.join('\n');
  return undefined;
}

/** The report as plain text (for Copy). */
export function errorReport(error: RunErrorDetail, run?: { id: string; number: number }): string {
  return JSON.stringify({ run: run ? { id: run.id, number: run.number } : undefined, ...error }, null, 2);
}

export function showErrorDetails(error: RunErrorDetail, options: ErrorDetailsOptions = {}): HTMLDialogElement {
  const traces = TRACE_KEYS.map((key) => [key, traceText(error.details[key])] as const).filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  const rest = Object.fromEntries(Object.entries(error.details).filter(([key]) => !SHOWN_KEYS.has(key) && !traces.some(([trace]) => trace === key)));
  const inputs = Object.entries(error.inputs ?? {});
  const node = error.node_id !== null ? `${error.node_id}${error.node_type ? ` · ${error.node_type}` : ''}` : 'the run as a whole (no single node)';
  const status = el('p', { className: 'panel-note', role: 'status' });
  const body: (Node | null)[] = [
    el('dl', { className: 'error-fields' }, [
      ...field('Code', el('code', {}, [error.code]), 'error-code'),
      ...field('Message', error.message, 'error-message'),
      ...field('Node', node, 'error-node'),
      ...(options.run ? field('Run', `#${options.run.number} (${options.run.id})`, 'error-run') : []),
    ]),
    options.note ? el('p', { className: 'panel-note' }, [options.note]) : null,
    inputs.length > 0 ? el('h3', {}, ['Inputs']) : null,
    inputs.length > 0 ? el('table', { className: 'error-inputs' }, [el('tbody', {}, inputs.map(([name, value]) => el('tr', {}, [el('th', { scope: 'row' }, [name]), el('td', {}, [value])])))]) : null,
    ...traces.flatMap(([key, text]) => [el('h3', {}, [key === 'cause' ? 'Cause' : 'Traceback']), el('pre', { className: 'error-trace', tabindex: 0, 'data-testid': 'error-trace' }, [text])]),
    Object.keys(rest).length > 0 ? el('h3', {}, ['Details']) : null,
    Object.keys(rest).length > 0 ? el('pre', { className: 'error-trace', tabindex: 0, 'data-testid': 'error-details-json' }, [JSON.stringify(rest, null, 2)]) : null,
    status,
  ];
  const nodeId = error.node_id;
  const showNode = options.showNode && nodeId !== null
    ? button('Show node', () => {
      if (options.showNode!(nodeId)) dialog.close();
      else status.textContent = `Node ${nodeId} is not in the workflow on the canvas.`;
    }, { 'data-testid': 'error-show-node' })
    : null;
  const copy = button('Copy', () => {
    navigator.clipboard.writeText(errorReport(error, options.run)).then(
      () => { status.textContent = 'Copied to the clipboard.'; },
      (problem: unknown) => { status.textContent = `Could not copy: ${problem instanceof Error ? problem.message : String(problem)}`; },
    );
  }, { 'data-testid': 'error-copy' });
  const dialog = openPanelDialog({ title: 'Error details', testId: 'error-details', className: 'error-dialog', body, buttons: [showNode, copy] });
  return dialog;
}
