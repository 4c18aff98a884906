/**
 * Several workflows open at once, one tab each, on the one canvas: the current tab's graph is
 * the live one; every other tab keeps its graph as its undo history's current state, with its
 * name, unsaved-changes flag and view. Switching tabs records the current graph and shows the
 * other one; closing a tab with unsaved changes asks first.
 */
import { confirmAction } from '../ui/confirm.js';
import type { EditorContext, WorkflowHost } from './context.js';
import { graphState, releaseRunStates, showState, takeRunStates, type RunStates } from './graph-state.js';
import { createHistory, currentState, resetHistory, type History } from './history.js';
import type { TabsSnapshot } from './tab-session.js';
import { createUndoRecorder, type UndoRecorder } from './undo.js';

export interface WorkflowTab {
  readonly id: number;
  name: string | undefined;
  /** What an unsaved tab is called (the file it came from), until it gets a name. */
  label: string | undefined;
  modified: boolean;
  readonly history: History;
  view: { offset: [number, number]; scale: number } | undefined;
  /** What its nodes showed from runs while another tab is shown (graph-state.ts). */
  runStates?: RunStates;
}

export interface Tabs {
  readonly undo: UndoRecorder;
  list(): readonly WorkflowTab[];
  active(): WorkflowTab;
  /** Opens an empty tab and makes it current. */
  newTab(): void;
  switchTo(id: number): void;
  /** Closes a tab (asking first when it has unsaved changes); answers whether it closed. */
  close(id: number): Promise<boolean>;
  /** The tab showing the saved workflow `name`, if one does. */
  findByName(name: string): WorkflowTab | undefined;
  /** Told after any tab's list, name, flag or the current tab changed (the strip redraws). */
  onChange(listener: () => void): void;
  /** Every tab as plain data (tab-session.ts), the current one with its live graph and view. */
  snapshot(): TabsSnapshot;
  /** Replaces every tab with the snapshot's (their undo histories start afresh) and shows its current one. */
  restore(snapshot: TabsSnapshot): void;
  /** The state of an empty graph (what a new tab shows). */
  readonly blankState: string;
}

export function tabLabel(tab: Pick<WorkflowTab, 'name' | 'label'>): string {
  return tab.name ?? tab.label ?? 'Untitled';
}

export function createTabs(ctx: EditorContext): Tabs {
  const listeners: (() => void)[] = [];
  const notify = () => listeners.forEach((listener) => listener());
  let nextId = 1;
  const blank = graphState(ctx);
  const makeTab = (state: string): WorkflowTab => ({ id: nextId++, name: undefined, label: undefined, modified: false, history: createHistory(state, undefined, state), view: undefined });
  const tabs: WorkflowTab[] = [makeTab(blank)];
  let current = tabs[0]!;
  const undo = createUndoRecorder(ctx, () => current.history, notify);

  /** Copies the live name/flag/view into the current tab's record. */
  const keep = () => {
    undo.flush();
    current.name = ctx.workflowName;
    current.modified = ctx.modified;
    current.view = { offset: [ctx.canvas.ds.offset[0], ctx.canvas.ds.offset[1]], scale: ctx.canvas.ds.scale };
  };
  /** Leaves the current tab for another: its nodes' run states go with it. */
  const leave = () => {
    keep();
    releaseRunStates(current.runStates);
    current.runStates = takeRunStates(ctx, true);
  };
  const show = (tab: WorkflowTab) => {
    // Loading fires change signals that mark the live flag: the tab's own values go back after.
    const { name, modified } = tab;
    current = tab;
    const runStates = tab.runStates;
    tab.runStates = undefined;
    showState(ctx, currentState(tab.history), runStates);
    const view = tab.view ?? { offset: [0, 0], scale: 1 };
    ctx.canvas.ds.offset = [view.offset[0], view.offset[1]];
    ctx.canvas.ds.scale = view.scale;
    ctx.workflowName = name;
    ctx.modified = modified;
    ctx.onWorkflowChange();
    ctx.canvas.setDirty(true, true);
  };
  const isBlank = () => current.name === undefined && !ctx.modified && ctx.graph._nodes.length === 0;

  // The live name and flag belong to the current tab: mirror every change into the strip.
  const showWorkflow = ctx.onWorkflowChange.bind(ctx);
  ctx.onWorkflowChange = () => {
    showWorkflow();
    current.name = ctx.workflowName;
    current.modified = ctx.modified;
    notify();
  };

  const api: Tabs = {
    undo,
    list: () => tabs,
    active: () => current,
    newTab() {
      leave();
      const tab = makeTab(blank);
      tabs.splice(tabs.indexOf(current) + 1, 0, tab);
      show(tab);
    },
    switchTo(id) {
      const tab = tabs.find((candidate) => candidate.id === id);
      if (!tab || tab === current) return;
      leave();
      show(tab);
    },
    async close(id) {
      const tab = tabs.find((candidate) => candidate.id === id);
      if (!tab) return false;
      if (tab === current) keep();
      if (tab.modified) {
        const ok = await confirmAction(`Close “${tabLabel(tab)}”?`, 'It has unsaved changes; closing the tab discards them.', 'Close without saving');
        if (!ok) return false;
      }
      const index = tabs.indexOf(tab);
      tabs.splice(index, 1);
      releaseRunStates(tab.runStates);
      tab.runStates = undefined;
      if (tabs.length === 0) tabs.push(makeTab(blank));
      if (tab === current) show(tabs[Math.min(index, tabs.length - 1)]!);
      else notify();
      return true;
    },
    findByName: (name) => tabs.find((tab) => tab.name === name),
    onChange(listener) {
      listeners.push(listener);
    },
    blankState: blank,
    snapshot() {
      keep();
      return {
        current: tabs.indexOf(current),
        tabs: tabs.map((tab) => {
          const state = currentState(tab.history);
          return { name: tab.name, label: tab.label, modified: tab.modified, state, clean: tab.history.clean === state, view: tab.view };
        }),
      };
    },
    restore(snapshot) {
      undo.flush();
      const restored = snapshot.tabs.map((saved): WorkflowTab => ({
        id: nextId++,
        name: saved.name,
        label: saved.label,
        modified: saved.modified,
        history: createHistory(saved.state, undefined, saved.clean ? saved.state : undefined),
        view: saved.view,
      }));
      if (restored.length === 0) return;
      for (const tab of tabs) releaseRunStates(tab.runStates);
      tabs.splice(0, tabs.length, ...restored);
      show(tabs[Math.min(Math.max(snapshot.current, 0), tabs.length - 1)]!);
    },
  };

  const host: WorkflowHost = {
    prepareForOpen() {
      if (!isBlank()) api.newTab();
    },
    focusOpen(name) {
      const tab = api.findByName(name);
      if (tab) api.switchTo(tab.id);
      return tab !== undefined;
    },
    opened(clean, label) {
      const state = graphState(ctx);
      resetHistory(current.history, state, clean ? state : undefined);
      current.view = undefined;
      current.label = label;
      // The toolbar shows the label too (and the strip redraws through the same call).
      ctx.onWorkflowChange();
    },
    saved() {
      undo.flush();
      current.history.clean = currentState(current.history);
      notify();
    },
    renamed(from, to) {
      for (const tab of tabs) {
        if (tab.name !== from) continue;
        tab.name = to;
        // Deleted from the server: what the tab shows exists nowhere else now.
        if (to === undefined) {
          tab.modified = true;
          tab.history.clean = undefined;
        }
        if (tab === current) {
          ctx.workflowName = tab.name;
          ctx.modified = tab.modified;
        }
      }
      ctx.onWorkflowChange();
    },
  };
  ctx.workflows = host;
  ctx.currentTab = () => current.id;
  ctx.workflowLabel = () => current.label;
  window.addEventListener('beforeunload', (event) => {
    if (tabs.some((tab) => (tab === current ? ctx.modified : tab.modified))) event.preventDefault();
  });
  return api;
}
