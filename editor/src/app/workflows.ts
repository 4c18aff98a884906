/**
 * Workflow files: save to the server (`PUT /api/workflows/:name`), open one of the server's
 * saved workflows or shipped examples (`GET /api/workflows`, then the file), rename (save
 * under the new name, then delete the old) and delete saved ones, export the graph as a JSON
 * download, and import a JSON file or the workflow inside a PNG (file picker or a drop on the
 * canvas). Opening uses a new tab unless the current one is empty.
 */
import { ApiError, getJson, request, sendJson, workflowPath } from '../api.js';
import { askText, choose } from '../ui/dialog.js';
import type { SaveWorkflowResponse, WorkflowEntry } from '../wire.js';
import { redraw, type EditorContext } from './context.js';
import { clearRunStates } from './live.js';
import { isPng, workflowFromPng } from './png-workflow.js';
import { loadWorkflow, savedWorkflow, workflowFormat, type LoadReport } from './workflow-io.js';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeLoad(report: LoadReport, source: string): string {
  const missing = report.missing.length > 0 ? `; ${report.missing.length} missing node type(s): ${report.missing.join(', ')}` : '';
  return `Opened ${source} (${report.nodes} nodes${report.format === 'api' ? ', API format' : ''})${missing}`;
}

/**
 * Opens `data` (in a new tab unless the current one is empty); answers false (and says why)
 * when it is not a workflow. `modified`: it is new to the server (an imported file); `label`
 * names its tab until it is saved under a name.
 */
export function openData(ctx: EditorContext, data: unknown, source: string, name?: string, modified = false, label?: string): boolean {
  if (workflowFormat(data) === undefined) {
    ctx.status(`Could not open ${source}: this is not a workflow (expected a saved workflow or the API format)`, 'error');
    return false;
  }
  try {
    ctx.workflows?.prepareForOpen();
    clearRunStates(ctx);
    const report = loadWorkflow(ctx.graph, data, ctx.catalog);
    ctx.workflowName = name;
    ctx.modified = modified;
    ctx.workflows?.opened(!modified, label);
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
    ctx.workflows?.saved();
    ctx.onWorkflowChange();
    ctx.status(answer.valid ? `Saved “${answer.name}”` : `Saved “${answer.name}” (it would not run yet: ${answer.warnings.errors.length + Object.keys(answer.warnings.node_errors).length} problem(s))`, 'ok');
  } catch (error) {
    const hint = error instanceof ApiError && error.code === 'conflict' ? ' (shipped examples are read-only: save under another name)' : '';
    ctx.status(`Could not save “${name}”: ${error instanceof Error ? error.message : String(error)}${hint}`, 'error');
  }
}

export async function openFromServer(ctx: EditorContext): Promise<void> {
  const entries = await listWorkflows(ctx);
  if (!entries) return;
  const name = await choose('Open workflow', entries.map((entry) => ({
    label: entry.name,
    detail: entry.example ? 'example' : new Date(entry.updated_at).toLocaleString(),
    value: entry.name,
  })), 'No saved workflows yet.');
  if (name === undefined) return;
  await openSaved(ctx, name, entries.find((entry) => entry.name === name)?.example === true);
}

/** Opens saved workflow `name` (or shows its tab when it is open already). */
export async function openSaved(ctx: EditorContext, name: string, example: boolean): Promise<boolean> {
  if (!example && ctx.workflows?.focusOpen(name)) {
    ctx.status(`“${name}” is open already (close its tab to open the saved version again)`, 'info');
    return true;
  }
  try {
    const data: unknown = await (await request(workflowPath(name))).json();
    // An example is read-only: edits get saved under a new name.
    return openData(ctx, data, `“${name}”`, example ? undefined : name);
  } catch (error) {
    ctx.status(`Could not open “${name}”: ${messageOf(error)}`, 'error');
    return false;
  }
}

/** The server's saved workflows and examples; undefined (and a message) when it cannot say. */
export async function listWorkflows(ctx: EditorContext): Promise<WorkflowEntry[] | undefined> {
  try {
    return (await getJson<{ items: WorkflowEntry[] }>('/api/workflows')).items;
  } catch (error) {
    ctx.status(`Could not list workflows: ${messageOf(error)}`, 'error');
    return undefined;
  }
}

/** Renames a saved workflow: saved under `to` exactly as stored, then `from` is deleted. */
export async function renameWorkflow(ctx: EditorContext, from: string, to: string): Promise<boolean> {
  try {
    const entries = await getJson<{ items: WorkflowEntry[] }>('/api/workflows');
    if (entries.items.some((entry) => entry.name === to)) {
      ctx.status(`Could not rename “${from}”: “${to}” exists already (delete it first or choose another name)`, 'error');
      return false;
    }
    const data: unknown = await (await request(workflowPath(from))).json();
    const answer = await sendJson<SaveWorkflowResponse>('PUT', workflowPath(to), data);
    await request(workflowPath(from), { method: 'DELETE' });
    ctx.workflows?.renamed(from, answer.name);
    ctx.status(`Renamed “${from}” to “${answer.name}”`, 'ok');
    return true;
  } catch (error) {
    ctx.status(`Could not rename “${from}” to “${to}”: ${messageOf(error)}`, 'error');
    return false;
  }
}

export async function deleteWorkflow(ctx: EditorContext, name: string): Promise<boolean> {
  try {
    await request(workflowPath(name), { method: 'DELETE' });
    ctx.workflows?.renamed(name, undefined);
    ctx.status(`Deleted “${name}” from the server`, 'ok');
    return true;
  } catch (error) {
    const hint = error instanceof ApiError && error.code === 'conflict' ? ' (shipped examples are read-only)' : '';
    ctx.status(`Could not delete “${name}”: ${messageOf(error)}${hint}`, 'error');
    return false;
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

/** Opens the workflow inside a PNG saved by Switchyard or ComfyUI. */
async function importPng(ctx: EditorContext, file: File, bytes: Uint8Array): Promise<boolean> {
  try {
    const embedded = await workflowFromPng(bytes);
    return openData(ctx, embedded.data, `the workflow in ${file.name}`, undefined, true, file.name);
  } catch (error) {
    ctx.status(`Could not open ${file.name}: ${messageOf(error)}`, 'error');
    return false;
  }
}

/** Opens a dropped or picked file: a workflow JSON, or a PNG with a workflow inside. */
export async function importFile(ctx: EditorContext, file: File): Promise<boolean> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isPng(bytes)) return importPng(ctx, file, bytes);
  if (file.type.startsWith('image/')) {
    ctx.status(`Could not open ${file.name}: only PNG images carry a workflow (from Switchyard's or ComfyUI's Save Image)`, 'error');
    return false;
  }
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    ctx.status(`${file.name} is neither a workflow JSON nor a PNG: ${messageOf(error)}`, 'error');
    return false;
  }
  // An imported file is new to the server until saved.
  return openData(ctx, data, file.name, undefined, true, file.name.replace(/\.json$/i, ''));
}

export function pickAndImport(ctx: EditorContext): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.accept = '.json,application/json,.png,image/png';
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void importFile(ctx, file);
  });
  input.click();
}
