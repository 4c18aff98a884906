/**
 * The editing comforts around the canvas, wired in one place: tabs with per-tab undo history,
 * the tab strip, the minimap, muted/bypassed nodes drawn as such, groups, the node menu's
 * extra entries and the keyboard shortcuts. main.ts creates it once and puts its commands on
 * the toolbar. litegraph already gives copy/paste through localStorage (so it works across
 * tabs and browser tabs), multi-select, reroutes (Alt+drag a link or its dot's menu) and
 * group moves; this turns those on and adds what it lacks.
 */
import { LGraphEventMode, type LGraphNode } from '@comfyorg/litegraph';
import { mountMinimap, type Minimap } from '../ui/minimap.js';
import { showShortcuts } from '../ui/shortcuts-help.js';
import { mountTabStrip } from '../ui/tab-strip.js';
import { showWorkflowManager } from '../ui/workflow-manager.js';
import type { EditorContext } from './context.js';
import { groupSelection } from './groups.js';
import { drawSkippedNodes, toggleMode } from './node-modes.js';
import { wireShortcuts } from './shortcuts.js';
import { readStoredTabs, storeTabs, worthRestoring } from './tab-session.js';
import { createTabs, type Tabs } from './tabs.js';

export interface WorkspaceCommands {
  undo(): void;
  redo(): void;
  manageWorkflows(): void;
  toggleMinimap(): boolean;
  showShortcuts(): void;
}

export interface Workspace {
  readonly tabs: Tabs;
  readonly minimap: Minimap;
  readonly commands: WorkspaceCommands;
  /** How many tabs were reopened from before a reload (0: a fresh start). */
  readonly reopenedTabs: number;
  /** Told when undo/redo availability may have changed (the toolbar greys its buttons). */
  onHistoryChange(listener: (canUndo: boolean, canRedo: boolean) => void): void;
}

export interface WorkspaceOptions {
  /** Where the tab strip goes (above the canvas). */
  tabsHost: HTMLElement;
  fitView(): void;
}

function addNodeMenuEntries(ctx: EditorContext): void {
  const { canvas } = ctx;
  const original = canvas.getNodeMenuOptions.bind(canvas);
  const onNode = (node: LGraphNode, action: () => void) => () => {
    if (!canvas.selectedItems.has(node)) canvas.selectNode(node);
    action();
  };
  canvas.getNodeMenuOptions = (node) => [
    { content: node.mode === LGraphEventMode.BYPASS ? 'Stop bypassing (Ctrl+B)' : 'Bypass (Ctrl+B)', callback: onNode(node, () => toggleMode(ctx, LGraphEventMode.BYPASS)) },
    { content: node.mode === LGraphEventMode.NEVER ? 'Unmute (Ctrl+M)' : 'Mute (Ctrl+M)', callback: onNode(node, () => toggleMode(ctx, LGraphEventMode.NEVER)) },
    { content: 'Group selection (Ctrl+G)', callback: onNode(node, () => groupSelection(ctx)) },
    null,
    ...original(node),
  ];
}

/**
 * Opens the tabs this browser tab had before a reload, and keeps them whenever the page is
 * hidden or goes away (tab-session.ts). A graph that no longer loads (a node pack removed since)
 * opens as far as it can, as a file would.
 */
function keepTabsAcrossReloads(ctx: EditorContext, tabs: Tabs): number {
  const storage = window.sessionStorage;
  const saved = readStoredTabs(storage);
  let reopened = 0;
  if (saved) {
    try {
      tabs.restore(saved);
      reopened = saved.tabs.length;
    } catch (error) {
      ctx.status(`The tabs from before the reload could not be reopened: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  }
  const keep = () => {
    const snapshot = tabs.snapshot();
    storeTabs(storage, worthRestoring(snapshot, tabs.blankState) ? snapshot : undefined);
  };
  window.addEventListener('pagehide', keep);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') keep();
  });
  return reopened;
}

export function createWorkspace(ctx: EditorContext, options: WorkspaceOptions): Workspace {
  const tabs = createTabs(ctx);
  const reopened = keepTabsAcrossReloads(ctx, tabs);
  mountTabStrip(options.tabsHost, tabs);
  const minimap = mountMinimap(ctx.canvas.canvas.parentElement!, ctx.canvas);

  const previousForeground = ctx.canvas.onDrawForeground;
  ctx.canvas.onDrawForeground = (draw, area) => {
    previousForeground?.call(ctx.canvas, draw, area);
    drawSkippedNodes(ctx.canvas, draw);
  };
  addNodeMenuEntries(ctx);

  const historyListeners: ((canUndo: boolean, canRedo: boolean) => void)[] = [];
  tabs.onChange(() => historyListeners.forEach((listener) => listener(tabs.undo.canUndo(), tabs.undo.canRedo())));
  const undo = () => {
    if (!tabs.undo.undo()) ctx.status('Nothing to undo', 'info');
  };
  const redo = () => {
    if (!tabs.undo.redo()) ctx.status('Nothing to redo', 'info');
  };
  const commands: WorkspaceCommands = {
    undo,
    redo,
    manageWorkflows: () => void showWorkflowManager(ctx, options.fitView),
    toggleMinimap: () => minimap.toggle(),
    showShortcuts,
  };
  wireShortcuts({
    copy: () => {
      if (ctx.canvas.selectedItems.size > 0) ctx.canvas.copyToClipboard();
    },
    paste: (keepLinks) => ctx.canvas.pasteFromClipboard({ connectInputs: keepLinks }),
    undo,
    redo,
    group: () => groupSelection(ctx),
    mute: () => toggleMode(ctx, LGraphEventMode.NEVER),
    bypass: () => toggleMode(ctx, LGraphEventMode.BYPASS),
    fitView: options.fitView,
    help: showShortcuts,
  }, ctx.canvas.canvas);
  return {
    tabs,
    minimap,
    commands,
    reopenedTabs: reopened,
    onHistoryChange(listener) {
      historyListeners.push(listener);
      listener(tabs.undo.canUndo(), tabs.undo.canRedo());
    },
  };
}
