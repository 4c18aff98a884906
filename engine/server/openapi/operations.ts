/**
 * Every HTTP route the server mounts, as data: method, path (OpenAPI form, `{param}`), tag,
 * summary, and the zod schemas of its path parameters, query, body and answers — the same
 * schemas the routes validate with, so the OpenAPI document cannot drift from the code. A test
 * walks the express router and checks that this table and the mounted routes are the same set.
 */
import { z } from 'zod';
import { ApiWorkflowSchema } from '../../graph/api-format.js';
import { SavedWorkflowSchema } from '../../graph/saved-format.js';
import { NodeDescriptionSchema } from '../../nodes/description-schema.js';
import { SettingsPatchSchema } from '../../store/settings-store.js';
import {
  CancelRunResponseSchema,
  InterruptBodySchema,
  InterruptResponseSchema,
  ListRunsQuerySchema,
  ListRunsResponseSchema,
  RequeueBodySchema,
  RunDetailSchema,
  RunIdParamsSchema,
  RunSavedBodySchema,
  SubmitRunBodySchema,
  SubmitRunResponseSchema,
} from '../api/runs-schemas.js';
import { ListWorkflowsResponseSchema, SaveWorkflowResponseSchema } from '../api/workflows.js';
import { FileListSchema, ListQuerySchema } from '../files/listing.js';
import { ServeQuerySchema, UploadFieldsSchema } from '../api/files.js';
import { JsonUploadSchema } from '../files/upload-request.js';
import { UploadResultSchema } from '../files/uploads.js';
import { HealthReportSchema } from '../ops/health.js';
import { ModelIdParamsSchema, ModelIdSchema, ModelsReportSchema, UnloadAllResponseSchema, UnloadResponseSchema } from '../ops/models.js';
import { MetricsSnapshotSchema } from '../ops/metrics.js';
import { LogsClearedSchema, LogsPageSchema, LogsQuerySchema } from '../ops/logs.js';
import { SettingsViewSchema } from '../ops/settings.js';
import { FreeBodySchema, HistoryQuerySchema, InterruptBodySchema as ComfyInterruptBodySchema, PromptBodySchema, QueueEditSchema } from '../comfy/schemas.js';
import { ComfyUploadResultSchema, UploadFieldsSchema as ComfyUploadFieldsSchema, ViewQuerySchema as ComfyViewQuerySchema } from '../comfy/files.js';
import { LEGACY_ROUTES } from '../legacy/routes.js';
import { ComfyStatusSchema, TtsStatusSchema } from '../legacy/status.js';
import {
  DashboardLogsClearedSchema,
  DashboardLogsSchema,
  DashboardMetricsSchema,
  DashboardResultsQuerySchema,
  DashboardResultsSchema,
  DashboardSettingsSchema,
  DashboardStatusSchema,
} from '../legacy/dashboard.js';
import { LegacyModelsSchema } from '../legacy/models.js';
import { AcceptedAnswerSchema, CaptionAnswerSchema, ImagesAnswerSchema, VideoAnswerSchema } from '../legacy/answer.js';
import { named } from './json-schema.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export type Tag = 'nodes' | 'runs' | 'workflows' | 'files' | 'operations' | 'reference' | 'comfyui' | 'legacy';

export interface Answer {
  description: string;
  schema?: z.ZodType;
  /** Content type when not JSON (`text/plain`, `image/*`, `text/html`…). */
  contentType?: string;
}

export interface Operation {
  method: HttpMethod;
  /** OpenAPI form: `/api/runs/{id}`. */
  path: string;
  tag: Tag;
  summary: string;
  description?: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Request content types besides JSON (uploads take multipart). */
  multipart?: z.ZodObject;
  responses: Record<number, Answer>;
  /** Path parameters that take the rest of the path, slashes included (`/api/workflows/{name}`). */
  rest?: string;
  /** The route's express path when it is a pattern rather than a path (file routes match raw targets). */
  expressPattern?: string;
  /** Further express paths the same route answers at (a trailing-slash variant). */
  alsoAt?: string[];
  /** Submission routes: rate-limited per client address (429). */
  rateLimited?: boolean;
}

// The big shapes, named once (components/schemas) instead of repeated in every operation.
named(ApiWorkflowSchema, 'ApiWorkflow');
named(SavedWorkflowSchema, 'SavedWorkflow');
named(NodeDescriptionSchema, 'NodeDescription');
named(RunDetailSchema, 'RunDetail');
named(SubmitRunResponseSchema, 'SubmitRunResponse');
named(SettingsViewSchema, 'SettingsView');
named(SettingsPatchSchema, 'SettingsPatch');
named(MetricsSnapshotSchema, 'MetricsSnapshot');
named(HealthReportSchema, 'HealthReport');
named(LogsPageSchema, 'LogsPage');
named(ImagesAnswerSchema, 'LegacyImagesAnswer');
named(CaptionAnswerSchema, 'LegacyCaptionAnswer');
named(VideoAnswerSchema, 'LegacyVideoAnswer');
named(AcceptedAnswerSchema, 'LegacyAcceptedAnswer');

const OK = (description: string, schema?: z.ZodType): Answer => ({ description, schema });
const FILE: Answer = { description: 'The file (content type sniffed from its bytes; ETag, Range for seeking)', contentType: '*/*' };
const WorkflowSchema = z.union([ApiWorkflowSchema, SavedWorkflowSchema]);
const NameParams = z.object({ name: z.string().describe('A workflow name; may contain "/" for folders (basics/image-chain)') });
const TypeParams = z.object({ type: z.string().describe('A node type id or one of its aliases') });
/** A multipart file part (what JSON Schema can say about bytes). */
const binary = (description: string) => z.string().meta({ description, contentMediaType: 'application/octet-stream' });
const MultipartUpload = UploadFieldsSchema.extend({ file: binary('The file') });
const ComfyMultipartUpload = ComfyUploadFieldsSchema.extend({ image: binary('The image (or audio, video)') });
const ComfyObjectInfoParams = z.object({ nodeClass: z.string() });
const ComfyHistoryParams = z.object({ id: z.string() });
const FilePathParams = z.object({ path: z.string().describe('Relative to the folder; slashes for subfolders, percent-encoded as in any URL') });
const LegacyModelParams = z.object({ model: ModelIdSchema });

const native: Operation[] = [
  { method: 'get', path: '/api/nodes', tag: 'nodes', summary: 'Every node definition', description: 'The shape `switchyard nodes --json` prints. ETag and gzip/br: a repeat call with If-None-Match costs a header comparison.', responses: { 200: OK('Node definitions', z.array(NodeDescriptionSchema)), 304: OK('Unchanged since the ETag sent') } },
  { method: 'get', path: '/api/nodes/{type}', tag: 'nodes', summary: 'One node definition', params: TypeParams, responses: { 200: OK('The node definition', NodeDescriptionSchema), 404: OK('No such node type') } },
  { method: 'get', path: '/api/packs', tag: 'nodes', summary: 'Loaded node packs and the ones skipped, with reasons', responses: { 200: OK('Packs') } },

  { method: 'post', path: '/api/runs', tag: 'runs', summary: 'Submit a workflow', description: 'Either format (or a ComfyUI prompt), with optional `params` overrides. Validated first: an invalid workflow is refused with every node error and never queued.', body: SubmitRunBodySchema, rateLimited: true, responses: { 202: OK('Queued (written to the run journal)', SubmitRunResponseSchema), 400: OK('Invalid workflow: `details.node_errors` names every problem') } },
  { method: 'get', path: '/api/runs', tag: 'runs', summary: 'Queue and history', description: 'Running runs first, then queued ones in run order, then history newest first.', query: ListRunsQuerySchema, responses: { 200: OK('A page of runs', ListRunsResponseSchema) } },
  { method: 'get', path: '/api/runs/{id}', tag: 'runs', summary: 'One run: status, per-node timings, outputs with URLs, errors', params: RunIdParamsSchema, responses: { 200: OK('The run', RunDetailSchema), 404: OK('No such run') } },
  { method: 'delete', path: '/api/runs/{id}', tag: 'runs', summary: 'Cancel a queued run or interrupt a running one', params: RunIdParamsSchema, responses: { 200: OK('What happened', CancelRunResponseSchema), 404: OK('No such run') } },
  { method: 'post', path: '/api/runs/{id}/requeue', tag: 'runs', summary: 'Run a finished (or interrupted) run again as a new run', params: RunIdParamsSchema, body: RequeueBodySchema, rateLimited: true, responses: { 202: OK('Queued', SubmitRunResponseSchema), 404: OK('No such run'), 409: OK('The run is still queued or running') } },
  { method: 'post', path: '/api/interrupt', tag: 'runs', summary: 'Interrupt one running run (`id`) or all of them', description: 'A body with ComfyUI\'s `prompt_id` is answered as ComfyUI\'s `/interrupt`.', body: InterruptBodySchema, responses: { 200: OK('Runs asked to stop', InterruptResponseSchema) } },

  { method: 'get', path: '/api/workflows', tag: 'workflows', summary: 'Saved workflows and the shipped examples', responses: { 200: OK('Workflows', ListWorkflowsResponseSchema) } },
  { method: 'get', path: '/api/workflows/{name}', tag: 'workflows', summary: 'A saved workflow file, as saved', params: NameParams, rest: 'name', responses: { 200: OK('The workflow', WorkflowSchema), 400: OK('Bad name'), 404: OK('No such workflow') } },
  { method: 'put', path: '/api/workflows/{name}', tag: 'workflows', summary: 'Save a workflow (either format)', description: 'A workflow with validation problems is saved (work in progress) and its problems come back as `warnings`.', params: NameParams, rest: 'name', body: WorkflowSchema, responses: { 200: OK('Replaced', SaveWorkflowResponseSchema), 201: OK('Created', SaveWorkflowResponseSchema), 400: OK('Bad name, or not a workflow'), 409: OK('An example\'s name (read-only)') } },
  { method: 'delete', path: '/api/workflows/{name}', tag: 'workflows', summary: 'Delete a saved workflow', params: NameParams, rest: 'name', responses: { 204: OK('Deleted'), 404: OK('No such workflow'), 409: OK('An example (read-only)') } },
  { method: 'post', path: '/api/workflows/{name}/run', tag: 'workflows', summary: 'Run a saved workflow with `params`', description: 'The way integrators run a saved workflow.', params: NameParams, rest: 'name', expressPattern: '/api/workflows/*name', body: RunSavedBodySchema, rateLimited: true, responses: { 202: OK('Queued', SubmitRunResponseSchema), 400: OK('Invalid workflow or params'), 404: OK('No such workflow') } },

  { method: 'post', path: '/api/uploads', tag: 'files', summary: 'Upload a file into the input folder', description: 'Multipart (`file`, `subfolder`, `overwrite`) or JSON with base64 / a data URI. The type is sniffed from the content; size-limited.', body: JsonUploadSchema, multipart: MultipartUpload, responses: { 201: OK('Stored', UploadResultSchema), 400: OK('Bad data'), 413: OK('Too large'), 415: OK('Not an accepted file type') } },
  { method: 'get', path: '/api/outputs', tag: 'files', summary: 'Recent output files, newest first', alsoAt: ['/api/outputs/'], query: ListQuerySchema, responses: { 200: OK('Files', FileListSchema) } },
  { method: 'get', path: '/api/outputs/{path}', tag: 'files', summary: 'An output file', description: 'Never a file outside the output folder, whatever the encoding of `..`, slashes, symlinks or null bytes. `?download=1` for an attachment.', params: FilePathParams, query: ServeQuerySchema, rest: 'path', expressPattern: '/^\\/api\\/outputs\\/./', responses: { 200: FILE, 206: { ...FILE, description: 'A byte range' }, 400: OK('Unsafe path'), 404: OK('No such file'), 416: OK('Range not satisfiable') } },
  { method: 'get', path: '/api/inputs/{path}', tag: 'files', summary: 'An input file (uploaded images)', params: FilePathParams, query: ServeQuerySchema, rest: 'path', expressPattern: '/^\\/api\\/inputs\\/./', responses: { 200: FILE, 206: { ...FILE, description: 'A byte range' }, 400: OK('Unsafe path'), 404: OK('No such file') } },

  { method: 'get', path: '/api/health', tag: 'operations', summary: 'Version, uptime, Node, execution providers (available and configured, with thread counts), CPU/GPU, memory, queue, cache', responses: { 200: OK('Health', HealthReportSchema) } },
  { method: 'get', path: '/api/models', tag: 'operations', summary: 'Models available and loaded, with memory', responses: { 200: OK('Models', ModelsReportSchema) } },
  { method: 'post', path: '/api/models/{id}/unload', tag: 'operations', summary: 'Unload one model', params: ModelIdParamsSchema, responses: { 200: OK('Unloaded', UnloadResponseSchema), 202: OK('In use: unloaded when its nodes finish', UnloadResponseSchema), 400: OK('Bad model id'), 404: OK('Not loaded') } },
  { method: 'post', path: '/api/models/unload-all', tag: 'operations', summary: 'Unload every model', responses: { 200: OK('Unloaded now, and pending (in use)', UnloadAllResponseSchema) } },
  { method: 'get', path: '/api/metrics', tag: 'operations', summary: 'Metrics as JSON (with recent series for charts)', responses: { 200: OK('Metrics', MetricsSnapshotSchema) } },
  { method: 'get', path: '/metrics', tag: 'operations', summary: 'Metrics in Prometheus text format', responses: { 200: { description: 'Prometheus exposition format 0.0.4', contentType: 'text/plain' } } },
  { method: 'get', path: '/api/logs', tag: 'operations', summary: 'Recent structured log lines', query: LogsQuerySchema, responses: { 200: OK('Log lines', LogsPageSchema) } },
  { method: 'delete', path: '/api/logs', tag: 'operations', summary: 'Clear the recent log lines', responses: { 200: OK('How many were cleared', LogsClearedSchema) } },
  { method: 'get', path: '/api/settings', tag: 'operations', summary: 'Operator settings', responses: { 200: OK('Settings', SettingsViewSchema) } },
  { method: 'put', path: '/api/settings', tag: 'operations', summary: 'Change settings (any subset; null resets a key)', body: SettingsPatchSchema, responses: { 200: OK('The new settings', SettingsViewSchema), 400: OK('Unknown key or bad value (`invalid_input`), or an execution provider this machine cannot use (`provider_unavailable`)') } },
  { method: 'patch', path: '/api/settings', tag: 'operations', summary: 'Change settings (same as PUT)', body: SettingsPatchSchema, responses: { 200: OK('The new settings', SettingsViewSchema), 400: OK('Unknown key or bad value (`invalid_input`), or an execution provider this machine cannot use (`provider_unavailable`)') } },

  { method: 'get', path: '/openapi.json', tag: 'reference', summary: 'This document', responses: { 200: OK('OpenAPI 3.1') } },
  { method: 'get', path: '/api/docs', tag: 'reference', summary: 'This document as a readable page', responses: { 200: { description: 'HTML', contentType: 'text/html' } } },
  { method: 'get', path: '/', tag: 'reference', summary: 'Landing page (the editor, once it exists)', responses: { 200: { description: 'HTML', contentType: 'text/html' } } },
];

/** ComfyUI's routes answer at their own path and again under `/api`, as ComfyUI's do. */
function comfy(op: Omit<Operation, 'tag'>): Operation[] {
  return [{ ...op, tag: 'comfyui' }, { ...op, tag: 'comfyui', path: `/api${op.path}` }];
}

const comfyui: Operation[] = [
  ...comfy({ method: 'post', path: '/prompt', summary: 'Queue a prompt (API format)', description: 'ComfyUI\'s answer: `{prompt_id, number, node_errors}`, or 400 `{error, node_errors}`.', body: PromptBodySchema, rateLimited: true, responses: { 200: OK('Queued'), 400: OK('Invalid prompt (ComfyUI\'s error shape)') } }),
  ...comfy({ method: 'get', path: '/prompt', summary: 'Queue remaining', responses: { 200: OK('`{exec_info: {queue_remaining}}`') } }),
  ...comfy({ method: 'get', path: '/queue', summary: 'Running and pending prompts', responses: { 200: OK('`{queue_running, queue_pending}`') } }),
  ...comfy({ method: 'post', path: '/queue', summary: 'Clear the queue or delete prompts', body: QueueEditSchema, responses: { 200: OK('Done') } }),
  ...comfy({ method: 'get', path: '/history', summary: 'History', query: HistoryQuerySchema, responses: { 200: OK('History by prompt id') } }),
  ...comfy({ method: 'get', path: '/history/{id}', summary: 'One prompt\'s history', params: ComfyHistoryParams, responses: { 200: OK('History entry (empty object when unknown)') } }),
  ...comfy({ method: 'post', path: '/history', summary: 'Clear history or delete entries', body: QueueEditSchema, responses: { 200: OK('Done') } }),
  { method: 'post', path: '/interrupt', tag: 'comfyui', summary: 'Interrupt the running prompt (or `prompt_id`)', body: ComfyInterruptBodySchema, responses: { 200: OK('Done') } },
  ...comfy({ method: 'get', path: '/object_info', summary: 'Every node definition in ComfyUI\'s shape', responses: { 200: OK('Node definitions by type'), 304: OK('Unchanged since the ETag sent') } }),
  ...comfy({ method: 'get', path: '/object_info/{nodeClass}', summary: 'One node definition in ComfyUI\'s shape', params: ComfyObjectInfoParams, responses: { 200: OK('`{<type>: definition}`') } }),
  ...comfy({ method: 'get', path: '/system_stats', summary: 'System and device information', responses: { 200: OK('`{system, devices}`') } }),
  ...comfy({ method: 'post', path: '/free', summary: 'Free memory / unload models', body: FreeBodySchema, responses: { 200: OK('Done (`models_unloaded`, `cache_cleared`, notes)') } }),
  ...comfy({ method: 'get', path: '/embeddings', summary: 'Embeddings (none)', responses: { 200: OK('An empty list') } }),
  ...comfy({ method: 'get', path: '/extensions', summary: 'Front-end extensions (none)', responses: { 200: OK('An empty list') } }),
  ...comfy({ method: 'get', path: '/features', summary: 'Server feature flags', responses: { 200: OK('Feature flags') } }),
  ...comfy({ method: 'get', path: '/view', summary: 'A file by filename, subfolder and type', query: ComfyViewQuerySchema, responses: { 200: FILE, 400: OK('Unsafe path'), 404: OK('No such file') } }),
  ...comfy({ method: 'post', path: '/upload/image', summary: 'Upload an image (multipart `image`)', multipart: ComfyMultipartUpload, responses: { 200: OK('`{name, subfolder, type}`', ComfyUploadResultSchema), 400: OK('Bad upload'), 413: OK('Too large'), 415: OK('Not multipart, or not an accepted file type') } }),
];

const legacyGeneration: Operation[] = LEGACY_ROUTES.map((route) => ({
  method: 'post',
  path: route.path,
  tag: 'legacy',
  summary: route.summary,
  description: `Runs the saved workflow \`${route.workflow}\` (${route.task}) and answers in the older API's shape, waiting for the run; with \`?async=1\` (or \`"async": true\` in the body) it answers 202 with the run id at once. Until the nodes its workflow needs exist it answers 501 naming them. See docs/legacy-api.md.`,
  body: route.body,
  rateLimited: true,
  responses: { 200: OK('Finished', route.response), 202: OK('Queued (async)', AcceptedAnswerSchema), 400: OK('Invalid request: every problem listed'), 409: OK('`interrupted`: the run was stopped'), 500: OK('`node_failed`: with the node\'s message'), 501: OK('Needs node types not installed yet'), 504: OK('Still running after the wait limit (the answer carries the run id)') },
}));

const legacy: Operation[] = [
  ...legacyGeneration,
  { method: 'get', path: '/api/tts/status', tag: 'legacy', summary: 'Text-to-speech availability', responses: { 200: OK('Status', TtsStatusSchema) } },
  { method: 'get', path: '/api/comfyui/status', tag: 'legacy', summary: 'ComfyUI endpoints served here (and a remote ComfyUI probe when configured)', responses: { 200: OK('Status', ComfyStatusSchema) } },
  { method: 'get', path: '/models', tag: 'legacy', summary: 'Models (older shape)', responses: { 200: OK('Models', LegacyModelsSchema) } },
  { method: 'post', path: '/api/unload/{model}', tag: 'legacy', summary: 'Unload a model (as POST /api/models/{id}/unload)', params: LegacyModelParams, responses: { 200: OK('Unloaded (`{success, model, id, outcome}`)'), 202: OK('In use: unloaded when its nodes finish'), 400: OK('Bad model name'), 404: OK('Not loaded') } },
  { method: 'post', path: '/api/unload-all', tag: 'legacy', summary: 'Unload every model (as POST /api/models/unload-all)', responses: { 200: OK('`{success, unloaded, pending}`') } },
  { method: 'get', path: '/api/download/{path}', tag: 'legacy', summary: 'Download an output file (attachment)', params: FilePathParams, rest: 'path', expressPattern: '/^\\/api\\/download\\/.+/', responses: { 200: FILE, 400: OK('Unsafe path'), 404: OK('No such file') } },
  { method: 'get', path: '/api/dashboard/status', tag: 'legacy', summary: 'Dashboard: status', responses: { 200: OK('Status', DashboardStatusSchema) } },
  { method: 'get', path: '/api/dashboard/results', tag: 'legacy', summary: 'Dashboard: finished runs with their files', query: DashboardResultsQuerySchema, responses: { 200: OK('Results', DashboardResultsSchema) } },
  { method: 'get', path: '/api/dashboard/metrics', tag: 'legacy', summary: 'Dashboard: metrics', responses: { 200: OK('Metrics', DashboardMetricsSchema) } },
  { method: 'get', path: '/api/dashboard/logs', tag: 'legacy', summary: 'Dashboard: recent log lines', query: LogsQuerySchema, responses: { 200: OK('Log lines', DashboardLogsSchema) } },
  { method: 'post', path: '/api/dashboard/logs/clear', tag: 'legacy', summary: 'Dashboard: clear log lines', responses: { 200: OK('Cleared', DashboardLogsClearedSchema) } },
  { method: 'get', path: '/api/dashboard/settings', tag: 'legacy', summary: 'Dashboard: settings', responses: { 200: OK('Settings', DashboardSettingsSchema) } },
  { method: 'post', path: '/api/dashboard/settings', tag: 'legacy', summary: 'Dashboard: change settings', body: SettingsPatchSchema, responses: { 200: OK('The new settings', DashboardSettingsSchema), 400: OK('Unknown key or bad value (`invalid_input`), or an execution provider this machine cannot use (`provider_unavailable`)') } },
];

export const OPERATIONS: readonly Operation[] = [...native, ...comfyui, ...legacy];

export const TAGS: readonly { name: Tag; description: string }[] = [
  { name: 'nodes', description: 'Node definitions and packs' },
  { name: 'runs', description: 'Submitting workflows, the queue and history' },
  { name: 'workflows', description: 'Saved workflows, and running one with parameters' },
  { name: 'files', description: 'Uploads, inputs and outputs' },
  { name: 'operations', description: 'Health, models, metrics, logs and settings' },
  { name: 'reference', description: 'This reference and the landing page' },
  { name: 'comfyui', description: 'ComfyUI\'s HTTP API, so its clients and scripts work unchanged (plus the `/ws` WebSocket). Failures answer in ComfyUI\'s shape (`ComfyError`), except those refused before the route (token, origin, unparseable JSON), which keep the native `Error` shape.' },
  { name: 'legacy', description: 'The older multi-model API\'s routes, as thin wrappers over saved workflows' },
];

/** The express paths a table entry is mounted at (what the router stack shows). */
export function expressPaths(op: Operation): string[] {
  const primary = op.expressPattern ?? op.path.replace(/\{([^}]+)\}/g, (_match, name: string) => (name === op.rest ? `*${name}` : `:${name}`));
  return [primary, ...(op.alsoAt ?? [])];
}
