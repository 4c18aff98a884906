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

export function createWorkspace(ctx: EditorContext, options: WorkspaceOptions): Workspace {
  const tabs = createTabs(ctx);
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
    onHistoryChange(listener) {
      historyListeners.push(listener);
      listener(tabs.undo.canUndo(), tabs.undo.canRedo());
    },
  };
}
