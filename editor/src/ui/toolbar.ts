/**
 * The top bar: the workflow's name with an unsaved-changes marker, and the commands (each also
 * on a keyboard shortcut shown in its tooltip).
 */
import { button, el } from './dom.js';
import { dashboardLink } from '../dashboard/toolbar-link.js';

export interface ToolbarCommands {
  run(): void;
  newWorkflow(): void;
  open(): void;
  save(): void;
  saveAs(): void;
  exportJson(): void;
  importJson(): void;
  fitView(): void;
  /** Editing comforts (app/workspace.ts); their buttons show when given. */
  undo?(): void;
  redo?(): void;
  manageWorkflows?(): void;
  /** Answers whether the minimap is shown now. */
  toggleMinimap?(): boolean;
  minimapVisible?(): boolean;
  showShortcuts?(): void;
}

export interface Toolbar {
  showWorkflow(name: string | undefined, modified: boolean): void;
  setRunning(running: boolean): void;
  /** Greys the undo/redo buttons when there is nothing to undo or redo. */
  setHistory(canUndo: boolean, canRedo: boolean): void;
}

/** A button only when its command exists. */
function optional(label: string, command: (() => unknown) | undefined, attributes: Record<string, string | undefined>): HTMLButtonElement | null {
  return command ? button(label, () => void command(), attributes) : null;
}

function present(element: HTMLElement | null): HTMLElement[] {
  return element ? [element] : [];
}

export function mountToolbar(host: HTMLElement, commands: ToolbarCommands): Toolbar {
  const title = el('span', { className: 'workflow-name', 'data-testid': 'workflow-name' });
  const runButton = button('Run', commands.run, { className: 'primary', title: 'Run the workflow (Ctrl+Enter)', 'data-testid': 'run' });
  const undoButton = optional('Undo', commands.undo, { title: 'Undo (Ctrl+Z)', 'data-testid': 'undo' });
  const redoButton = optional('Redo', commands.redo, { title: 'Redo (Ctrl+Shift+Z or Ctrl+Y)', 'data-testid': 'redo' });
  const mapButton = optional('Map', commands.toggleMinimap && (() => mapButton?.setAttribute('aria-pressed', String(commands.toggleMinimap!()))), {
    title: 'Show or hide the minimap',
    'aria-pressed': String(commands.minimapVisible?.() ?? true),
    'data-testid': 'minimap-toggle',
  });
  host.replaceChildren(
    el('span', { className: 'brand' }, ['Switchyard']),
    title,
    el('span', { className: 'spacer' }),
    button('New', commands.newWorkflow, { title: 'Start an empty workflow (in a new tab)', 'data-testid': 'new' }),
    button('Open', commands.open, { title: 'Open a saved workflow or example (Ctrl+O)', 'data-testid': 'open' }),
    ...present(optional('Workflows', commands.manageWorkflows, { title: 'Open, rename or delete saved workflows', 'data-testid': 'workflows' })),
    button('Save', commands.save, { title: 'Save to the server (Ctrl+S)', 'data-testid': 'save' }),
    button('Save as', commands.saveAs, { title: 'Save under a new name', 'data-testid': 'save-as' }),
    button('Export', commands.exportJson, { title: 'Download the workflow as JSON', 'data-testid': 'export' }),
    button('Import', commands.importJson, { title: 'Open a workflow JSON file or a PNG with a workflow inside (or drop it on the canvas)', 'data-testid': 'import' }),
    ...present(undoButton),
    ...present(redoButton),
    button('Fit', commands.fitView, { title: 'Fit the view to the nodes (.)', 'data-testid': 'fit' }),
    ...present(mapButton),
    ...present(optional('?', commands.showShortcuts, { title: 'Keyboard shortcuts (?)', 'aria-label': 'Keyboard shortcuts', 'data-testid': 'shortcuts' })),
    dashboardLink(),
    runButton,
  );
  return {
    showWorkflow(name, modified) {
      title.textContent = `${name ?? 'Untitled'}${modified ? ' •' : ''}`;
      title.title = modified ? 'Unsaved changes' : 'Saved';
      document.title = `${modified ? '• ' : ''}${name ?? 'Untitled'} — Switchyard`;
    },
    setRunning(running) {
      runButton.classList.toggle('busy', running);
    },
    setHistory(canUndo, canRedo) {
      if (undoButton) undoButton.disabled = !canUndo;
      if (redoButton) redoButton.disabled = !canRedo;
    },
  };
}

export function mountStatus(host: HTMLElement): (message: string, kind: string) => void {
  return (message, kind) => {
    host.textContent = message;
    host.dataset.kind = kind;
  };
}
