/**
 * The wire shapes of the native runs API (`/api/runs`, `/api/interrupt`, saved-workflow runs)
 * as zod schemas — the one source of each shape, exported for the OpenAPI generator — and the
 * functions that turn a queue RunRecord into what clients see.
 *
 * Field names on the wire are snake_case (`client_id`, `submitted_at`), times are ISO 8601
 * strings, durations milliseconds. Every file an output node produced carries a `url` to fetch
 * it: `/api/outputs/<subfolder>/<filename>` for outputs (each segment percent-encoded), ComfyUI's
 * `/view?filename=&subfolder=&type=` for temp and input files.
 */
import { z } from 'zod';
import { ApiWorkflowSchema } from '../../graph/api-format.js';
import { FileRefSchema, RunStatusSchema, type RunError, type RunRecord } from '../../queue/types.js';

export const RunIdSchema = z.string().min(1).max(200);
const IsoTime = z.string().describe('ISO 8601 time');

const PrioritySchema = z.number().int().min(-1_000_000).max(1_000_000).describe('Higher runs first; FIFO within a priority (default 0)');
const ParamsSchema = z.record(z.string(), z.unknown()).describe('Input overrides: {"<nodeId>.<input>": value}, validated like the workflow');
const ClientIdSchema = z.string().min(1).max(200).describe('Live events of the run also go to this socket.io client (its socket id or the clientId it connected with)');

/** `POST /api/runs` body. */
export const SubmitRunBodySchema = z.strictObject({
  workflow: z.custom<unknown>((value) => value !== undefined && value !== null, 'a workflow is required (API format or a saved editor workflow)')
    .describe('The workflow, in either format (or a ComfyUI prompt)'),
  params: ParamsSchema.optional(),
  client_id: ClientIdSchema.optional(),
  priority: PrioritySchema.optional(),
  front: z.boolean().optional().describe('Run ahead of everything queued now'),
  outputs: z.array(z.string().min(1)).min(1).max(10_000).optional().describe('Run only these output nodes (and what they need)'),
  name: z.string().trim().min(1).max(200).optional().describe('A name for the run in queues and history (the editor sends its workflow name)'),
});
export type SubmitRunBody = z.infer<typeof SubmitRunBodySchema>;

/** `POST /api/workflows/:name/run` body: a saved workflow's submission options. */
export const RunSavedBodySchema = SubmitRunBodySchema.omit({ workflow: true, name: true });
export type RunSavedBody = z.infer<typeof RunSavedBodySchema>;

/** 202 answer of every submission (`POST /api/runs`, requeue, saved-workflow runs). */
export const SubmitRunResponseSchema = z.object({
  id: RunIdSchema,
  number: z.number().int().nonnegative(),
  status: RunStatusSchema.describe('queued (it may already have started by the time the client reads this)'),
  position: z.number().int().nonnegative().nullable().describe('Runs ahead of it; 0 = next; null when no longer queued'),
  requeued_from: z.string().nullable(),
});
export type SubmitRunResponse = z.infer<typeof SubmitRunResponseSchema>;

export const FileRefViewSchema = FileRefSchema.extend({ url: z.string().describe('Where to fetch the file (relative to the server)') });
export type FileRefView = z.infer<typeof FileRefViewSchema>;

/** An output node's ui result with a `url` on every file. */
export const UiResultViewSchema = z.looseObject({
  images: z.array(FileRefViewSchema).optional(),
  videos: z.array(FileRefViewSchema).optional(),
  audio: z.array(FileRefViewSchema).optional(),
  text: z.array(z.string()).optional(),
});
export type UiResultView = z.infer<typeof UiResultViewSchema>;

export const RunErrorViewSchema = z.object({
  node_id: z.string().nullable(),
  node_type: z.string().nullable(),
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  /** Short descriptions of the failing node's inputs. */
  inputs: z.record(z.string(), z.string()).nullable(),
});
export type RunErrorView = z.infer<typeof RunErrorViewSchema>;

/** A run as lists show it (no workflow). */
export const RunSummarySchema = z.object({
  id: RunIdSchema,
  number: z.number().int().nonnegative(),
  status: RunStatusSchema,
  name: z.string().nullable().describe('The saved workflow that was run, or the name the submitter gave'),
  priority: z.number(),
  client_id: z.string().nullable(),
  requeued_from: z.string().nullable(),
  submitted_at: IsoTime,
  started_at: IsoTime.nullable(),
  finished_at: IsoTime.nullable(),
  duration_ms: z.number().nonnegative().nullable().describe('From start to finish'),
  executed: z.array(z.string()).describe('Nodes that ran, in the order they finished'),
  cached: z.array(z.string()).describe('Nodes whose results came from the cache'),
  skipped: z.array(z.string()).describe('Nodes not run because something they need failed'),
  timings: z.record(z.string(), z.number()).describe('Milliseconds per executed node'),
  outputs: z.record(z.string(), UiResultViewSchema).describe('What each output node produced, by node id'),
  errors: z.array(RunErrorViewSchema),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

/** `GET /api/runs/:id`: the summary plus what was submitted. */
export const RunDetailSchema = RunSummarySchema.extend({
  position: z.number().int().nonnegative().nullable().describe('Runs ahead of it while queued, else null'),
  workflow: ApiWorkflowSchema.describe('The validated workflow that runs (API format)'),
  saved: z.unknown().nullable().describe('The editor (saved-format) workflow it was submitted as, with node positions; null for API-format submissions'),
  params: z.record(z.string(), z.unknown()).nullable(),
  targets: z.array(z.string()).nullable(),
  extra: z.record(z.string(), z.unknown()).nullable(),
});
export type RunDetail = z.infer<typeof RunDetailSchema>;

const StatusListSchema = z
  .union([z.string(), z.array(z.string())])
  .transform((value) => (typeof value === 'string' ? [value] : value).flatMap((part) => part.split(',')).map((part) => part.trim()).filter(Boolean))
  .pipe(z.array(RunStatusSchema).min(1, 'name at least one status'));

/** `GET /api/runs` query: `status` (one, comma-separated, or repeated), `limit` (1–500, default 50), `offset`. */
export const ListRunsQuerySchema = z.object({
  status: StatusListSchema.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});
export type ListRunsQuery = z.infer<typeof ListRunsQuerySchema>;

export const ListRunsResponseSchema = z.object({
  /** Running runs first, then queued ones in the order they will run, then history newest first. */
  items: z.array(RunSummarySchema),
  total: z.number().int().nonnegative().describe('Runs matching the filter, regardless of limit/offset'),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const RunIdParamsSchema = z.object({ id: RunIdSchema });

/** `DELETE /api/runs/:id` answer. */
export const CancelRunResponseSchema = z.object({
  id: RunIdSchema,
  outcome: z.enum(['cancelled', 'interrupting', 'already_finished']).describe('cancelled: it was queued and will not run; interrupting: it was running and is being stopped (it ends as interrupted); already_finished: nothing to do'),
  status: RunStatusSchema.describe('The run status right after the request'),
});

/** `POST /api/runs/:id/requeue` body (optional). */
export const RequeueBodySchema = z.strictObject({
  priority: PrioritySchema.optional(),
  front: z.boolean().optional(),
});

/** `POST /api/interrupt` body (optional): one run, or every running run when absent. */
export const InterruptBodySchema = z.strictObject({ id: RunIdSchema.optional() });
export const InterruptResponseSchema = z.object({ interrupted: z.array(z.string()).describe('Runs asked to stop') });

// ---- record → view ---------------------------------------------------------------------------

function segments(path: string): string {
  return path.split('/').filter((part) => part.length > 0).map(encodeURIComponent).join('/');
}

/** Where a client fetches a file an output node produced. */
export function fileUrl(ref: { filename: string; subfolder: string; type: string }): string {
  if (ref.type === 'output') {
    const folder = segments(ref.subfolder);
    return `/api/outputs/${folder === '' ? '' : `${folder}/`}${encodeURIComponent(ref.filename)}`;
  }
  const query = new URLSearchParams({ filename: ref.filename, subfolder: ref.subfolder, type: ref.type });
  return `/view?${query.toString()}`;
}

function isFileRef(value: unknown): value is { filename: string; subfolder: string; type: string } {
  if (value === null || typeof value !== 'object') return false;
  const ref = value as Record<string, unknown>;
  return typeof ref.filename === 'string' && typeof ref.subfolder === 'string' && (ref.type === 'output' || ref.type === 'temp' || ref.type === 'input');
}

/** A copy of an output node's ui result where every file reference carries its `url`. */
export function withFileUrls(ui: Record<string, unknown>): UiResultView {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(ui)) {
    view[key] = Array.isArray(value) ? value.map((item) => (isFileRef(item) ? { ...item, url: fileUrl(item) } : item)) : value;
  }
  return view as UiResultView;
}

function iso(ms: number | undefined): string | null {
  return ms === undefined ? null : new Date(ms).toISOString();
}

function errorView(error: RunError): RunErrorView {
  return {
    node_id: error.nodeId ?? null,
    node_type: error.nodeType ?? null,
    code: error.code,
    message: error.message,
    details: error.details,
    inputs: error.inputs ?? null,
  };
}

export function toRunSummary(record: RunRecord): RunSummary {
  const outputs: Record<string, UiResultView> = {};
  for (const [nodeId, ui] of Object.entries(record.outputs)) outputs[nodeId] = withFileUrls(ui);
  return {
    id: record.id,
    number: record.number,
    status: record.status,
    name: record.name ?? null,
    priority: record.priority,
    client_id: record.clientId ?? null,
    requeued_from: record.requeuedFrom ?? null,
    submitted_at: new Date(record.submittedAt).toISOString(),
    started_at: iso(record.startedAt),
    finished_at: iso(record.finishedAt),
    duration_ms: record.startedAt !== undefined && record.finishedAt !== undefined ? Math.max(0, record.finishedAt - record.startedAt) : null,
    executed: record.executed,
    cached: record.cached,
    skipped: record.skipped,
    timings: record.timings,
    outputs,
    errors: record.errors.map(errorView),
  };
}

export function toRunDetail(record: RunRecord, position: number | undefined): RunDetail {
  return {
    ...toRunSummary(record),
    position: position ?? null,
    workflow: record.workflow,
    saved: record.saved ?? null,
    params: record.params ?? null,
    targets: record.targets ?? null,
    extra: record.extra ?? null,
  };
}

export function submitResponse(record: RunRecord, position: number | undefined): SubmitRunResponse {
  return { id: record.id, number: record.number, status: record.status, position: position ?? null, requeued_from: record.requeuedFrom ?? null };
}
