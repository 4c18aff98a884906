/**
 * `POST /prompt` — ComfyUI's submission. The API-format prompt goes through `submitWorkflow`
 * (validated, persisted, queued) like every native submission; `extra_data` is kept and echoed
 * back by `/queue` and `/history`, its `extra_pnginfo.workflow` becomes the saved workflow
 * embedded into output PNGs, `client_id` routes the run's `/ws` messages, `prompt_id` becomes
 * the run id and `partial_execution_targets` the output nodes to run. Answers ComfyUI's
 * `{prompt_id, number, node_errors}`, or 400 with its `{error, node_errors}` shape.
 * `GET /prompt` — `{exec_info: {queue_remaining}}`.
 */
import type { Request, Response } from 'express';
import type { ServerContext } from '../context.js';
import { parseInput } from '../http/parse.js';
import { sendJson } from '../http/send-json.js';
import { submitWorkflow } from '../runs/submit.js';
import { PromptBodySchema } from './schemas.js';
import { comfyNodeErrorsOf, comfyValidationFailure, noPromptFailure } from './node-errors.js';

/** ComfyUI's `queue_remaining`: running plus waiting prompts. */
export async function queueRemaining(ctx: ServerContext): Promise<number> {
  const counts = await ctx.queue.counts();
  return counts.queued + counts.running;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `extra_data` split for storage: the saved workflow (stored once, as the run's `saved`) and
 * the rest (stored as the run's `extra`, with `client_id` added as ComfyUI does).
 */
function splitExtraData(extraData: Record<string, unknown> | undefined, clientId: string | undefined): { extra: Record<string, unknown>; saved: unknown } {
  const extra: Record<string, unknown> = { ...extraData };
  if (clientId !== undefined) extra.client_id = clientId;
  let saved: unknown;
  if (isRecord(extra.extra_pnginfo) && Object.hasOwn(extra.extra_pnginfo, 'workflow')) {
    const { workflow, ...rest } = extra.extra_pnginfo;
    saved = workflow;
    extra.extra_pnginfo = rest;
  }
  return { extra, saved };
}

export function submitPrompt(ctx: ServerContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const body = parseInput(PromptBodySchema, req.body ?? {}, 'prompt request');
    if (body.prompt === undefined || body.prompt === null) {
      sendJson(res, 400, noPromptFailure());
      return;
    }
    const { extra, saved } = splitExtraData(body.extra_data, body.client_id);
    const outcome = await submitWorkflow(ctx, {
      workflow: body.prompt,
      clientId: body.client_id,
      id: body.prompt_id,
      front: body.front,
      outputs: body.partial_execution_targets,
      extra,
      saved,
    });
    if (!outcome.ok) {
      sendJson(res, 400, comfyValidationFailure(outcome.check, body.prompt, ctx.engine.registry));
      return;
    }
    sendJson(res, 200, { prompt_id: outcome.record.id, number: outcome.record.number, node_errors: comfyNodeErrorsOf(outcome.check, body.prompt, ctx.engine.registry) });
  };
}

export function promptInfo(ctx: ServerContext) {
  return async (_req: Request, res: Response): Promise<void> => {
    res.json({ exec_info: { queue_remaining: await queueRemaining(ctx) } });
  };
}
