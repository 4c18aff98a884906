/**
 * Workflow files: save to the server (`PUT /api/workflows/:name`), open one of the server's
 * saved workflows or shipped examples (`GET /api/workflows`, then the file), export the graph
 * as a JSON download, and import a JSON file (file picker or a drop on the canvas).
 */
import { ApiError, getJson, request, sendJson, workflowPath } from '../api.js';
import { askText, choose } from '../ui/dialog.js';
import type { SaveWorkflowResponse, WorkflowEntry } from '../wire.js';
import { redraw, type EditorContext } from './context.js';
import { clearRunStates } from './live.js';
import { loadWorkflow, savedWorkflow, type LoadReport } from './workflow-io.js';

function describeLoad(report: LoadReport, source: string): string {
  const missing = report.missing.length > 0 ? `; ${report.missing.length} missing node type(s): ${report.missing.join(', ')}` : '';
  return `Opened ${source} (${report.nodes} nodes${report.format === 'api' ? ', API format' : ''})${missing}`;
}

/** Loads `data` as the current workflow; answers false (and says why) when it is not one. */
export function openData(ctx: EditorContext, data: unknown, source: string, name?: string): boolean {
  try {
    clearRunStates(ctx);
    const report = loadWorkflow(ctx.graph, data, ctx.catalog);
    ctx.workflowName = name;
    ctx.modified = false;
    ctx.onWorkflowChange();
    ctx.status(describeLoad(report, source), report.missing.length > 0 ? 'error' : 'ok');
    redraw(ctx);
    return true;
  } catch (error) {
    ctx.status(`Could not open ${source}: ${error instanceof Error ? error.message : String(error)}`, 'error');
    return false;
  }
}

export async function saveWorkflow(ctx: EditorContext, saveAs = false): Promise<void> {
  let name = ctx.workflowName;
  if (saveAs || name === undefined) {
    name = await askText(saveAs ? 'Save workflow as' : 'Save workflow', 'Name (folders with /)', name ?? 'my-workflow');
    if (name === undefined) return;
  }
  try {
    const answer = await sendJson<SaveWorkflowResponse>('PUT', workflowPath(name), savedWorkflow(ctx.graph));
    ctx.workflowName = answer.name;
    ctx.modified = false;
    ctx.onWorkflowChange();
    ctx.status(answer.valid ? `Saved “${answer.name}”` : `Saved “${answer.name}” (it would not run yet: ${answer.warnings.errors.length + Object.keys(answer.warnings.node_errors).length} problem(s))`, 'ok');
  } catch (error) {
    const hint = error instanceof ApiError && error.code === 'conflict' ? ' (shipped examples are read-only: save under another name)' : '';
    ctx.status(`Could not save “${name}”: ${error instanceof Error ? error.message : String(error)}${hint}`, 'error');
  }
}

export async function openFromServer(ctx: EditorContext): Promise<void> {
  let entries: WorkflowEntry[];
  try {
    entries = (await getJson<{ items: WorkflowEntry[] }>('/api/workflows')).items;
  } catch (error) {
    ctx.status(`Could not list workflows: ${error instanceof Error ? error.message : String(error)}`, 'error');
    return;
  }
  const name = await choose('Open workflow', entries.map((entry) => ({
    label: entry.name,
    detail: entry.example ? 'example' : new Date(entry.updated_at).toLocaleString(),
    value: entry.name,
  })), 'No saved workflows yet.');
  if (name === undefined) return;
  try {
    const data: unknown = await (await request(workflowPath(name))).json();
    const example = entries.find((entry) => entry.name === name)?.example === true;
    // An example is read-only: edits get saved under a new name.
    openData(ctx, data, `“${name}”`, example ? undefined : name);
  } catch (error) {
    ctx.status(`Could not open “${name}”: ${error instanceof Error ? error.message : String(error)}`, 'error');
  }
}

export function exportJson(ctx: EditorContext): void {
  const text = `${JSON.stringify(savedWorkflow(ctx.graph), null, 2)}\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${(ctx.workflowName ?? 'workflow').replace(/[^\w.-]+/g, '-')}.json`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function importFile(ctx: EditorContext, file: File): Promise<boolean> {
  let data: unknown;
  try {
    data = JSON.parse(await file.text());
  } catch (error) {
    ctx.status(`${file.name} is not JSON: ${error instanceof Error ? error.message : String(error)}`, 'error');
    return false;
  }
  const opened = openData(ctx, data, file.name);
  if (opened) {
    // An imported file is new to the server until saved.
    ctx.modified = true;
    ctx.onWorkflowChange();
  }
  return opened;
}

export function pickAndImport(ctx: EditorContext): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json';
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void importFile(ctx, file);
  });
  input.click();
}
