/**
 * Saved workflows over HTTP (storage and name rules: engine/store/workflow-store.ts).
 *
 * - `GET /api/workflows` → `{items: [{name, example, size, updated_at}]}`: saved workflows and
 *   the examples shipped with Switchyard (`example: true`, read-only), sorted by name.
 * - `GET /api/workflows/:name` → the workflow file itself (JSON, as saved) with Last-Modified.
 * - `PUT /api/workflows/:name` (body: a workflow in either format) → 201 when created, 200 when
 *   replaced: `{name, example, size, updated_at, format, valid, warnings: {errors, node_errors}}`.
 *   A body that is not a workflow at all is refused (400 `invalid_workflow`); a workflow with
 *   validation problems (an unknown node type, a missing input) is saved — work in progress is
 *   worth keeping — and its problems come back as `warnings`. An example's name → 409.
 * - `DELETE /api/workflows/:name` → 204; 404 when absent; 409 for an example.
 * - `POST /api/workflows/:name/run` `{params?, client_id?, priority?, front?, outputs?}` → 202
 *   like `POST /api/runs` (the way integrators run a saved workflow), 400 when it is invalid.
 *
 * A name with a folder may be sent with its slash as is (`/api/workflows/basics/image-chain`)
 * or encoded (`basics%2Fimage-chain`). Bad names → 400 `invalid_input`, before any file access.
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { SwitchyardError } from '../../errors.js';
import { NodeErrorsSchema, ValidationIssueSchema } from '../../validate/issues.js';
import { checkWorkflowName, type WorkflowEntry } from '../../store/workflow-store.js';
import type { ServerContext } from '../context.js';
import { parseInput } from '../http/parse.js';
import type { HotRoute } from '../http/hot-routes.js';
import { rateLimit } from '../security/rate-limit.js';
import { invalidWorkflowError, submitWorkflow, type SubmitOutcome, type SubmitRequest } from '../runs/submit.js';
import { RunSavedBodySchema } from './runs-schemas.js';
import { sendAccepted, submitOptions } from './runs.js';

export const WorkflowEntrySchema = z.object({
  name: z.string(),
  example: z.boolean().describe('Shipped with Switchyard: read-only'),
  size: z.number().int().nonnegative().describe('Bytes'),
  updated_at: z.string().describe('ISO 8601 time of the last change'),
});

export const ListWorkflowsResponseSchema = z.object({ items: z.array(WorkflowEntrySchema) });

export const SaveWorkflowResponseSchema = WorkflowEntrySchema.extend({
  format: z.enum(['api', 'saved']),
  valid: z.boolean().describe('Whether it would run as saved'),
  warnings: z.object({ errors: z.array(ValidationIssueSchema), node_errors: z.record(z.string(), NodeErrorsSchema) }),
});

export { RunSavedBodySchema };

function entryView(entry: WorkflowEntry): z.infer<typeof WorkflowEntrySchema> {
  return { name: entry.name, example: entry.example, size: entry.size, updated_at: new Date(entry.updatedAt).toISOString() };
}

function workflowLocation(name: string): string {
  return `/api/workflows/${name.split('/').map(encodeURIComponent).join('/')}`;
}

/** The name from a `/*name` route: its decoded segments joined by "/", then checked. */
function nameFrom(req: Request, trailing?: string): string {
  const raw = (req.params as Record<string, unknown>).name;
  const parts = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  if (trailing !== undefined) {
    if (parts.at(-1) !== trailing) throw new SwitchyardError('not_found', `no route for ${req.method} ${req.path}`, { method: req.method, path: req.path });
    parts.pop();
  }
  return checkWorkflowName(parts.join('/'));
}

export type SavedRunOptions = Omit<SubmitRequest, 'workflow' | 'saved' | 'id'>;

/** Submits the saved workflow (or example) `name`; `not_found` when there is none. Legacy routes use this too. */
export async function submitSavedWorkflow(ctx: ServerContext, name: string, options: SavedRunOptions = {}): Promise<SubmitOutcome> {
  const stored = await ctx.workflows.read(checkWorkflowName(name));
  if (!stored) throw new SwitchyardError('not_found', `no saved workflow named "${name}"`, { name });
  // The JSON text goes to the checker as is: a damaged file is reported with its line and column.
  return submitWorkflow(ctx, { ...options, workflow: stored.text, name: options.name ?? name });
}

/** The route of one saved workflow (`GET`/`PUT`/`DELETE`) and of running it (`POST …/run`). */
export const WORKFLOW_PATH = '/api/workflows/*name';

/**
 * `POST /api/workflows/:name/run` after its rate limit (mounted here, and dispatched by
 * hot-routes.ts); any other POST under the route answers 404 from `nameFrom`.
 */
export function runSavedHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const name = nameFrom(req, 'run');
    const body = parseInput(RunSavedBodySchema, req.body ?? {}, 'body');
    const outcome = await submitSavedWorkflow(ctx, name, submitOptions(body));
    if (!outcome.ok) throw invalidWorkflowError(outcome.check);
    sendAccepted(res, outcome.record, outcome.position);
  };
}

/** `/api/workflows/<name>/run` with a name of plain segments; anything else is left to the router. */
const PLAIN_RUN_PATH = /^\/api\/workflows\/((?:[A-Za-z0-9._~-]+\/)+)run$/;

/**
 * `POST /api/workflows/<name>/run` for the pre-router (hot-routes.ts), for names whose segments
 * need no decoding: the same handlers as mounted below, with the params the router would give.
 */
export function workflowsHotRoutes(ctx: ServerContext): HotRoute[] {
  return [{
    method: 'POST',
    routePath: WORKFLOW_PATH,
    match(path) {
      const plain = PLAIN_RUN_PATH.exec(path);
      return plain ? { name: [...plain[1]!.slice(0, -1).split('/'), 'run'] } : undefined;
    },
    handlers: [rateLimit(ctx.submitLimiter), runSavedHandler(ctx)],
  }];
}

export function workflowsRoutes(ctx: ServerContext): Router {
  const router = Router();

  router.get('/api/workflows', async (_req, res) => {
    const entries = await ctx.workflows.list();
    res.json({ items: entries.map(entryView) });
  });

  router.get(WORKFLOW_PATH, async (req, res) => {
    const name = nameFrom(req);
    const stored = await ctx.workflows.read(name);
    if (!stored) throw new SwitchyardError('not_found', `no saved workflow named "${name}"`, { name });
    res.setHeader('Last-Modified', new Date(stored.entry.updatedAt).toUTCString());
    res.setHeader('Cache-Control', 'no-cache');
    res.type('application/json').send(stored.text);
  });

  router.put(WORKFLOW_PATH, async (req, res) => {
    const name = nameFrom(req);
    if (req.body === undefined) {
      throw new SwitchyardError('invalid_input', 'send the workflow as the JSON body (Content-Type: application/json)', { name });
    }
    const check = await ctx.engine.check(req.body);
    if (check.format === undefined) throw invalidWorkflowError(check);
    const { entry, created } = await ctx.workflows.save(name, `${JSON.stringify(req.body, null, 2)}\n`);
    res.status(created ? 201 : 200).location(workflowLocation(name)).json({
      ...entryView(entry),
      format: check.format,
      valid: check.valid,
      warnings: { errors: check.errors, node_errors: check.nodeErrors },
    });
  });

  router.delete(WORKFLOW_PATH, async (req, res) => {
    const name = nameFrom(req);
    if (!(await ctx.workflows.remove(name))) throw new SwitchyardError('not_found', `no saved workflow named "${name}"`, { name });
    res.status(204).end();
  });

  router.post(WORKFLOW_PATH, rateLimit(ctx.submitLimiter), runSavedHandler(ctx));

  return router;
}
