/**
 * The top bar: the workflow's name with an unsaved-changes marker, and the commands (each also
 * on a keyboard shortcut shown in its tooltip).
 */
import { button, el } from './dom.js';

export interface ToolbarCommands {
  run(): void;
  newWorkflow(): void;
  open(): void;
  save(): void;
  saveAs(): void;
  exportJson(): void;
  importJson(): void;
  fitView(): void;
}

export interface Toolbar {
  showWorkflow(name: string | undefined, modified: boolean): void;
  setRunning(running: boolean): void;
}

export function mountToolbar(host: HTMLElement, commands: ToolbarCommands): Toolbar {
  const title = el('span', { className: 'workflow-name', 'data-testid': 'workflow-name' });
  const runButton = button('Run', commands.run, { className: 'primary', title: 'Run the workflow (Ctrl+Enter)', 'data-testid': 'run' });
  host.replaceChildren(
    el('span', { className: 'brand' }, ['Switchyard']),
    title,
    el('span', { className: 'spacer' }),
    button('New', commands.newWorkflow, { title: 'Start an empty workflow', 'data-testid': 'new' }),
    button('Open', commands.open, { title: 'Open a saved workflow or example (Ctrl+O)', 'data-testid': 'open' }),
    button('Save', commands.save, { title: 'Save to the server (Ctrl+S)', 'data-testid': 'save' }),
    button('Save as', commands.saveAs, { title: 'Save under a new name', 'data-testid': 'save-as' }),
    button('Export', commands.exportJson, { title: 'Download the workflow as JSON', 'data-testid': 'export' }),
    button('Import', commands.importJson, { title: 'Open a workflow JSON file (or drop it on the canvas)', 'data-testid': 'import' }),
    button('Fit', commands.fitView, { title: 'Fit the view to the nodes', 'data-testid': 'fit' }),
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
  };
}

export function mountStatus(host: HTMLElement): (message: string, kind: string) => void {
  return (message, kind) => {
    host.textContent = message;
    host.dataset.kind = kind;
  };
}
