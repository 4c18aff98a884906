/**
 * The editor's entry point: takes the API token from the address (if any), loads the node
 * definitions, registers them with litegraph, and wires the canvas, palette, toolbar, keyboard
 * shortcuts, runs and live events together.
 */
import '@comfyorg/litegraph/style.css';
import './theme.css';
import './styles.css';
import type { LGraphNode } from '@comfyorg/litegraph';
import { ApiError, captureTokenFromAddress, getJson, setToken } from './api.js';
import { addNode, createCanvas, fitView as fitCanvasView, wireCanvasInteractions } from './app/canvas.js';
import { markModified, type EditorContext, type StatusKind } from './app/context.js';
import { connectLive } from './app/live.js';
import { followServerOptions } from './app/live-options.js';
import { runGraph } from './app/run.js';
import { exportJson, importFile, openFromServer, pickAndImport, saveWorkflow } from './app/workflows.js';
import { createWorkspace } from './app/workspace.js';
import { mountAccessibility } from './a11y/index.js';
import { isStatefulNode, onWidgetChange } from './graph/editor-node.js';
import { resetRunState } from './graph/run-state.js';
import { registerNodeTypes } from './graph/node-types.js';
import { askText } from './ui/dialog.js';
import { mountPalette } from './ui/palette.js';
import { mountStatus, mountToolbar } from './ui/toolbar.js';
import { mountRunPanels } from './panels/index.js';
import { openData } from './app/workflows.js';
import type { DataTypeView, NodeDescription } from './wire.js';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** Data types (with socket colours) the server wrote into the page. */
function pageDataTypes(): DataTypeView[] {
  try {
    const parsed: unknown = JSON.parse(document.getElementById('switchyard-data-types')?.textContent ?? '[]');
    return Array.isArray(parsed) ? (parsed as DataTypeView[]) : [];
  } catch {
    return [];
  }
}

/** The node definitions; asks for the API token when the server wants one. */
async function loadNodes(status: (message: string, kind: StatusKind) => void): Promise<NodeDescription[]> {
  for (;;) {
    try {
      return await getJson<NodeDescription[]>('/api/nodes');
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 401) throw error;
      status('This server needs an API token.', 'error');
      const token = await askText('API token', 'This server requires an API token');
      if (token === undefined) throw error;
      setToken(token);
    }
  }
}

async function start(): Promise<void> {
  captureTokenFromAddress();
  const setStatus = mountStatus(byId('status'));
  const status = (message: string, kind: StatusKind = 'info') => setStatus(message, kind);
  const descriptions = await loadNodes(status);
  const catalog = registerNodeTypes(descriptions, pageDataTypes());
  const setup = createCanvas(byId<HTMLCanvasElement>('graph-canvas'), catalog);
  const toolbarHost = byId('toolbar');
  let toolbar: ReturnType<typeof mountToolbar> | undefined;
  const ctx: EditorContext = {
    graph: setup.graph,
    canvas: setup.canvas,
    catalog,
    descriptions,
    clientId: `editor-${crypto.randomUUID()}`,
    status,
    workflowName: undefined,
    modified: false,
    onWorkflowChange: () => toolbar?.showWorkflow(ctx.workflowName ?? ctx.workflowLabel?.(), ctx.modified),
  };
  const live = connectLive(ctx);
  live.onRunEnded(() => toolbar?.setRunning(false));
  const refreshOptions = followServerOptions(ctx, live);
  const run = () => {
    toolbar?.setRunning(true);
    void runGraph(ctx, live).then((answer) => {
      if (!answer) toolbar?.setRunning(false);
    });
  };
  const fitView = () => fitCanvasView(setup);
  // Tabs, undo/redo, minimap, mute/bypass, groups and their shortcuts (app/workspace.ts).
  const workspace = createWorkspace(ctx, { tabsHost: byId('workflow-tabs'), fitView });
  toolbar = mountToolbar(toolbarHost, {
    run,
    newWorkflow: () => {
      workspace.tabs.newTab();
      status('New workflow', 'info');
    },
    open: () => void openFromServer(ctx).then(fitView),
    save: () => void saveWorkflow(ctx),
    saveAs: () => void saveWorkflow(ctx, true),
    exportJson: () => exportJson(ctx),
    importJson: () => pickAndImport(ctx),
    fitView,
    ...workspace.commands,
    minimapVisible: () => workspace.minimap.isVisible(),
  });
  workspace.onHistoryChange((canUndo, canRedo) => toolbar?.setHistory(canUndo, canRedo));
  ctx.onWorkflowChange();
  const runPanels = mountRunPanels(byId('run-dock'), {
    ctx,
    live,
    openWorkflow: (data, source) => {
      const opened = openData(ctx, data, source);
      if (opened) fitView();
      return opened;
    },
  });
  const added = (node: LGraphNode) => {
    markModified(ctx);
    status(`Added ${node.title}`, 'info');
  };
  mountPalette(byId('palette'), { descriptions, onAdd: (type) => {
    const node = addNode(setup, type);
    if (node) added(node);
  } });
  wireCanvasInteractions(setup, { descriptions, onAdded: added, onFileDropped: (file) => void importFile(ctx, file).then((ok) => ok && fitView()) });
  onWidgetChange(() => markModified(ctx));
  // Keyboard use of litegraph's menus and value prompt (Shift+F10 opens the node menu).
  mountAccessibility(setup.canvas);
  setup.graph.onNodeRemoved = (node) => {
    // A deleted node's images go with it (an undo or a tab switch has moved them off first).
    if (isStatefulNode(node)) resetRunState(node.runState);
    markModified(ctx);
  };
  setup.graph.onConnectionChange = () => markModified(ctx);
  setup.canvas.canvas.addEventListener('litegraph:canvas', (event) => {
    if ((event as CustomEvent<{ subType: string }>).detail.subType === 'after-change') markModified(ctx);
  });
  document.addEventListener('keydown', (event) => {
    const command = event.ctrlKey || event.metaKey;
    if (command && event.key === 'Enter') run();
    else if (command && event.key.toLowerCase() === 's') void saveWorkflow(ctx, event.shiftKey);
    else if (command && event.key.toLowerCase() === 'o') void openFromServer(ctx).then(fitView);
    else return;
    event.preventDefault();
  });
  window.addEventListener('beforeunload', (event) => {
    if (ctx.modified) event.preventDefault();
  });
  // For tests and the browser console: the live objects, read-only by convention.
  Object.assign(window, { switchyardEditor: { graph: setup.graph, canvas: setup.canvas, ctx, live, runPanels, workspace, refreshOptions } });
  const reopened = workspace.reopenedTabs;
  status(reopened > 0
    ? `Ready: ${descriptions.length} node types. Reopened ${reopened} tab${reopened === 1 ? '' : 's'} from before the reload.`
    : `Ready: ${descriptions.length} node types. Double-click the canvas or use the palette to add nodes.`, 'ok');
  document.body.dataset.ready = 'true';
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const host = document.getElementById('status');
  if (host) {
    host.textContent = `The editor could not start: ${message}`;
    host.dataset.kind = 'error';
  }
  document.body.dataset.ready = 'failed';
});
