/**
 * ComfyUI's queue and history routes over our persisted run queue:
 * - `GET /queue` → `{queue_running, queue_pending}` of `[number, prompt_id, prompt, extra_data,
 *   outputs_to_execute]` items; `POST /queue {clear?, delete?}` cancels waiting prompts (a
 *   running prompt is stopped with `/interrupt`, as in ComfyUI).
 * - `GET /history[?max_items&offset]` → finished runs keyed by id, oldest first, as ComfyUI
 *   orders them (offset counts from the oldest; without one, the newest `max_items`);
 *   `GET /history/:id` → `{id: entry}`, or `{}` while the run is not finished (clients poll
 *   this); `POST /history {clear?, delete?}`.
 * - `POST /interrupt {prompt_id?}` stops that running prompt, or every running one.
 * Unlike ComfyUI, history survives restarts and includes prompts cancelled while waiting
 * (status_str `error`). The POST routes answer a small JSON account of what they did where
 * ComfyUI answers an empty 200.
 */
import type { Request, Response } from 'express';
import { FINISHED_STATUSES, type RunRecord, type RunStatus } from '../../queue/types.js';
import type { ServerContext } from '../context.js';
import { parseInput } from '../http/parse.js';
import { comfyHistoryEntry, comfyQueueItem, type ComfyHistoryEntry } from './records.js';
import { HistoryQuerySchema, InterruptBodySchema, QueueEditSchema } from './schemas.js';

const ALL = Number.MAX_SAFE_INTEGER;
const FINISHED = [...FINISHED_STATUSES] as RunStatus[];

async function recordsWithStatus(ctx: ServerContext, status: RunStatus): Promise<RunRecord[]> {
  return (await ctx.queue.list({ status, limit: ALL })).items;
}

export function getQueue(ctx: ServerContext) {
  return async (_req: Request, res: Response): Promise<void> => {
    const [running, pending] = await Promise.all([recordsWithStatus(ctx, 'running'), recordsWithStatus(ctx, 'queued')]);
    const registry = ctx.engine.registry;
    res.json({
      queue_running: running.map((record) => comfyQueueItem(record, registry)),
      queue_pending: pending.map((record) => comfyQueueItem(record, registry)),
    });
  };
}

/** Cancels waiting prompts; running ones are left alone (ComfyUI deletes only from the pending queue). */
async function cancelWaiting(ctx: ServerContext, ids: readonly string[]): Promise<string[]> {
  const cancelled: string[] = [];
  for (const id of ids) {
    const record = await ctx.queue.get(id);
    if (record?.status !== 'queued') continue;
    if ((await ctx.queue.cancel(id)) === 'cancelled') cancelled.push(id);
  }
  return cancelled;
}

export function editQueue(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = parseInput(QueueEditSchema, req.body ?? {}, 'queue request');
    const cancelled: string[] = [];
    if (body.clear === true) cancelled.push(...(await cancelWaiting(ctx, (await recordsWithStatus(ctx, 'queued')).map((r) => r.id))));
    if (body.delete !== undefined) cancelled.push(...(await cancelWaiting(ctx, body.delete)));
    res.json({ cancelled });
  };
}

/** ComfyUI's history window: `offset` from the oldest entry, at most `maxItems`, oldest first. */
export function historyWindow(total: number, maxItems: number | undefined, offset: number | undefined): { skipNewest: number; count: number } {
  let from = offset ?? -1;
  if (from < 0) from = maxItems !== undefined ? Math.max(0, total - maxItems) : 0;
  const end = maxItems !== undefined ? Math.min(total, from + maxItems) : total;
  const count = Math.max(0, end - from);
  // Our list is newest first: oldest-first [from, end) is newest-first [total - end, total - from).
  return { skipNewest: Math.max(0, total - end), count };
}

export function getHistory(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const query = parseInput(HistoryQuerySchema, req.query, 'history query');
    const { total } = await ctx.queue.list({ status: FINISHED, limit: 0 });
    const window = historyWindow(total, query.max_items, query.offset);
    const result: Record<string, ComfyHistoryEntry> = {};
    if (window.count > 0) {
      const page = await ctx.queue.list({ status: FINISHED, limit: window.count, offset: window.skipNewest });
      for (const record of page.items.reverse()) result[record.id] = comfyHistoryEntry(record, ctx.engine.registry);
    }
    res.json(result);
  };
}

export function getHistoryEntry(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const id = String(req.params.id);
    const record = await ctx.queue.get(id);
    if (!record || !FINISHED_STATUSES.has(record.status)) {
      res.json({});
      return;
    }
    res.json({ [record.id]: comfyHistoryEntry(record, ctx.engine.registry) });
  };
}

export function editHistory(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = parseInput(QueueEditSchema, req.body ?? {}, 'history request');
    const deleted: string[] = [];
    if (body.clear === true) deleted.push(...(await ctx.queue.clearHistory()));
    if (body.delete !== undefined) deleted.push(...(await ctx.queue.deleteHistory(body.delete)));
    res.json({ deleted });
  };
}

export function interrupt(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = parseInput(InterruptBodySchema, req.body ?? {}, 'interrupt request');
    const interrupted = await ctx.queue.interrupt(body.prompt_id);
    res.json({ interrupted });
  };
}
