/**
 * The editor's keyboard shortcuts: the list the help dialog shows (those main.ts handles and
 * litegraph's own included) and the handler for the editing ones. Keys typed into a field or
 * a dialog are left alone (Ctrl+Z in the search box undoes text, not the graph).
 */

export interface Shortcut {
  keys: string;
  action: string;
}

export const SHORTCUTS: readonly { group: string; items: readonly Shortcut[] }[] = [
  {
    group: 'Workflow',
    items: [
      { keys: 'Ctrl+Enter', action: 'Run the workflow' },
      { keys: 'Ctrl+S', action: 'Save (Ctrl+Shift+S: save as)' },
      { keys: 'Ctrl+O', action: 'Open a saved workflow or example' },
      { keys: 'Drop a file', action: 'Open a workflow JSON, or a PNG with a workflow inside' },
    ],
  },
  {
    group: 'Editing',
    items: [
      { keys: 'Ctrl+Z', action: 'Undo' },
      { keys: 'Ctrl+Shift+Z, Ctrl+Y', action: 'Redo' },
      { keys: 'Ctrl+C, Ctrl+V', action: 'Copy, paste (also between tabs and browser tabs)' },
      { keys: 'Ctrl+Shift+V', action: 'Paste, keeping links into the pasted nodes' },
      { keys: 'Delete', action: 'Delete the selection' },
      { keys: 'Ctrl+A', action: 'Select all' },
      { keys: 'Shift+click, Ctrl+drag', action: 'Select several nodes' },
      { keys: 'Ctrl+G', action: 'Put a group around the selection' },
      { keys: 'Ctrl+M', action: 'Mute the selection (it does not run)' },
      { keys: 'Ctrl+B', action: 'Bypass the selection (inputs pass through)' },
      { keys: 'Alt+drag a link', action: 'Add a reroute point (or click the link’s dot)' },
      { keys: 'Double-click', action: 'Search for a node to add' },
      { keys: 'Shift+F10, Menu key', action: 'Open the selected node’s menu (or the canvas menu); arrows, Enter, Escape inside it' },
    ],
  },
  {
    group: 'View',
    items: [
      { keys: '.', action: 'Fit the view to the nodes' },
      { keys: 'Drag, Space+drag', action: 'Pan' },
      { keys: 'Wheel', action: 'Zoom' },
      { keys: '?', action: 'This list' },
    ],
  },
];

export interface EditingCommands {
  /** Copy and paste for when the canvas does not have the focus (it handles its own keys). */
  copy(): void;
  paste(keepLinks: boolean): void;
  undo(): void;
  redo(): void;
  group(): void;
  mute(): void;
  bypass(): void;
  fitView(): void;
  help(): void;
}

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) || target.closest('dialog') !== null;
}

/** The command for a key press, if it is one of ours. */
export function commandFor(event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>): keyof EditingCommands | undefined {
  const command = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  if (command && !event.altKey) {
    if (key === 'z') return event.shiftKey ? 'redo' : 'undo';
    if (key === 'y' && !event.shiftKey) return 'redo';
    if (key === 'g' && !event.shiftKey) return 'group';
    if (key === 'm' && !event.shiftKey) return 'mute';
    if (key === 'b' && !event.shiftKey) return 'bypass';
    if (key === 'c' && !event.shiftKey) return 'copy';
    if (key === 'v') return 'paste';
    return undefined;
  }
  if (event.altKey) return undefined;
  if (event.key === '.') return 'fitView';
  if (event.key === '?') return 'help';
  return undefined;
}

/** `canvasElement`: litegraph's canvas, which handles copy and paste itself when focused. */
export function wireShortcuts(commands: EditingCommands, canvasElement: HTMLElement): void {
  document.addEventListener('keydown', (event) => {
    if (event.defaultPrevented || isTextEntry(event.target)) return;
    const name = commandFor(event);
    if (!name) return;
    if (name === 'copy' || name === 'paste') {
      if (event.target === canvasElement) return;
      // Text selected on the page is the person's to copy.
      if (name === 'copy' && !(window.getSelection()?.isCollapsed ?? true)) return;
    }
    event.preventDefault();
    if (name === 'paste') commands.paste(event.shiftKey);
    else commands[name]();
  });
}
