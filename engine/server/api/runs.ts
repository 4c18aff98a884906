/**
 * The native runs API. Shapes: runs-schemas.ts (zod, snake_case, exported for OpenAPI).
 *
 * - `POST /api/runs` `{workflow, params?, client_id?, priority?, front?, outputs?}` →
 *   202 `{id, number, status: "queued", position, requeued_from}` (+ `Location`), or 400
 *   `invalid_workflow` with `details: {errors, node_errors}` naming every problem of every node.
 *   Rate-limited per client address (429 + Retry-After).
 * - `GET /api/runs?status=queued,running&limit=50&offset=0` → `{items, total, limit, offset}`:
 *   running runs first, then queued ones in the order they will run, then history newest first.
 * - `GET /api/runs/:id` → the run: status, per-node timings, outputs with file URLs, errors,
 *   queue position, the workflow; 404 when unknown.
 * - `DELETE /api/runs/:id` → `{id, outcome, status}`: a queued run is cancelled, a running one
 *   interrupted (it ends `interrupted`, keeping the nodes that finished), a finished one is left.
 * - `POST /api/runs/:id/requeue` `{priority?, front?}` → 202: the finished run's workflow again
 *   as a new run (`requeued_from` = the old id); 409 while the run is queued or running.
 * - `POST /api/interrupt` `{id?}` → `{interrupted: [ids]}`: one running run, or all of them.
 *
 * The submission path does no synchronous I/O and nothing per queued run beyond what the queue does.
 */
import type { ServerResponse } from 'node:http';
import { Router, type Request, type Response } from 'express';
import { SwitchyardError } from '../../errors.js';
import { isFinished, type RunRecord } from '../../queue/types.js';
import type { ServerContext } from '../context.js';
import { parseInput } from '../http/parse.js';
import { sendJson } from '../http/send-json.js';
import type { HotRoute } from '../http/hot-routes.js';
import { rateLimit } from '../security/rate-limit.js';
import { invalidWorkflowError, submitWorkflow, type SubmitRequest } from '../runs/submit.js';
import {
  InterruptBodySchema,
  ListRunsQuerySchema,
  RequeueBodySchema,
  RunIdParamsSchema,
  SubmitRunBodySchema,
  type RunSavedBody,
  submitResponse,
  toRunDetail,
  toRunSummary,
} from './runs-schemas.js';

export function runLocation(id: string): string {
  return `/api/runs/${encodeURIComponent(id)}`;
}

export const SUBMIT_RUN_PATH = '/api/runs';

/** The submission options every native run route takes, from their snake_case wire names. */
export function submitOptions(body: RunSavedBody): Omit<SubmitRequest, 'workflow'> {
  return { params: body.params, clientId: body.client_id, priority: body.priority, front: body.front, outputs: body.outputs };
}

/** `POST /api/runs` after its rate limit (mounted here, and dispatched by hot-routes.ts). */
export function submitRunHandler(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = parseInput(SubmitRunBodySchema, req.body, 'body');
    const outcome = await submitWorkflow(ctx, { ...submitOptions(body), workflow: body.workflow, name: body.name });
    if (!outcome.ok) throw invalidWorkflowError(outcome.check);
    sendAccepted(res, outcome.record, outcome.position);
  };
}

/** `POST /api/runs` for the pre-router (hot-routes.ts): the same handlers as mounted below. */
export function runsHotRoutes(ctx: ServerContext): HotRoute[] {
  return [{
    method: 'POST',
    routePath: SUBMIT_RUN_PATH,
    match: (path) => (path === SUBMIT_RUN_PATH ? {} : undefined),
    handlers: [rateLimit(ctx.submitLimiter), submitRunHandler(ctx)],
  }];
}

/** The 202 of every native submission: `Location` of the new run and its queue place. */
export function sendAccepted(res: ServerResponse, record: RunRecord, position: number | undefined): void {
  // Already percent-encoded: what express's res.location would set.
  res.setHeader('Location', runLocation(record.id));
  sendJson(res, 202, submitResponse(record, position));
}

export function runsRoutes(ctx: ServerContext): Router {
  const router = Router();
  const limited = rateLimit(ctx.submitLimiter);

  router.post(SUBMIT_RUN_PATH, limited, submitRunHandler(ctx));

  router.get('/api/runs', async (req, res) => {
    const query = parseInput(ListRunsQuerySchema, req.query, 'query');
    const page = await ctx.queue.list({ status: query.status, limit: query.limit, offset: query.offset });
    res.json({ items: page.items.map(toRunSummary), total: page.total, limit: query.limit, offset: query.offset });
  });

  router.get('/api/runs/:id', async (req, res) => {
    const { id } = parseInput(RunIdParamsSchema, req.params, 'path');
    const record = await ctx.queue.get(id);
    if (!record) throw new SwitchyardError('not_found', `no run with id ${id}`, { id });
    const position = record.status === 'queued' ? await ctx.queue.position(id) : undefined;
    res.json(toRunDetail(record, position));
  });

  router.delete('/api/runs/:id', async (req, res) => {
    const { id } = parseInput(RunIdParamsSchema, req.params, 'path');
    const outcome = await ctx.queue.cancel(id);
    const record = await ctx.queue.get(id);
    // A record dropped from history by the cap at this very moment still answers what it became.
    res.json({ id, outcome, status: record?.status ?? (outcome === 'interrupting' ? 'running' : 'cancelled') });
  });

  router.post('/api/runs/:id/requeue', limited, async (req, res) => {
    const { id } = parseInput(RunIdParamsSchema, req.params, 'path');
    const body = parseInput(RequeueBodySchema, req.body ?? {}, 'body');
    if (ctx.closing) throw new SwitchyardError('unavailable', 'the server is shutting down and takes no new runs');
    const previous = await ctx.queue.get(id);
    if (!previous) throw new SwitchyardError('not_found', `no run with id ${id}`, { id });
    if (!isFinished(previous.status)) {
      throw new SwitchyardError('conflict', `run ${id} is ${previous.status}; only a finished run (success, error, interrupted, cancelled) can be queued again`, { id, status: previous.status });
    }
    const record = await ctx.queue.requeue(id, { priority: body.priority, front: body.front });
    sendAccepted(res, record, await ctx.queue.position(record.id));
  });

  router.post('/api/interrupt', async (req, res) => {
    const body = parseInput(InterruptBodySchema, req.body ?? {}, 'body');
    if (body.id !== undefined && (await ctx.queue.get(body.id)) === undefined) {
      throw new SwitchyardError('not_found', `no run with id ${body.id}`, { id: body.id });
    }
    res.json({ interrupted: await ctx.queue.interrupt(body.id) });
  });

  return router;
}
