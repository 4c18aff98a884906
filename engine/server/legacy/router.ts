/**
 * Turns a legacy route table into express routes. Each request goes through the same steps:
 *
 * 1. the body is validated (400 `invalid_input` listing every problem: zod fields, base64 with
 *    positions, data URI types, images that do not decode, input files that do not exist);
 * 2. availability (501 `not_available` naming the missing node types and packs, or the missing
 *    workflow) — checked per request, never faked;
 * 3. inline media is written into the input folder and the body becomes `params` overrides of
 *    the saved workflow, which is submitted through `submitWorkflow` like every other run;
 * 4. with `?async=1` (or body `async: true`) the answer is 202 with the run id; otherwise the
 *    request waits for the run (up to the configured time: then 504 with the run id, the run
 *    goes on) and answers in the route's legacy shape — or 500 `node_failed` with the node's
 *    message, or 409 `interrupted`. A client that disconnects while waiting leaves the run be.
 *
 * `buildLegacyRouter` takes any table, so tests can mount entries of their own.
 */
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { SwitchyardError } from '../../errors.js';
import type { ApiWorkflow } from '../../graph/api-format.js';
import { isPlainObject, zodMessages } from '../../graph/untrusted.js';
import type { ParamOverrides } from '../../runtime/params.js';
import type { RunRecord } from '../../queue/types.js';
import type { ServerContext } from '../context.js';
import { errorBody } from '../http/errors.js';
import { rateLimit } from '../security/rate-limit.js';
import { invalidWorkflowError, submitWorkflow } from '../runs/submit.js';
import { runLocation } from '../api/runs.js';
import { answerKit } from './answer.js';
import { readFlag } from './fields.js';
import { InlineMedia, InputFile, imageProblem, inputFileFields, inputFileProblem, mediaFields, storeMedia } from './media.js';
import { checkAvailability, type WorkflowFinder } from './needs.js';
import type { LegacyRoute, MediaName } from './table.js';
import { watchRun } from './wait.js';

export interface LegacyRouterOptions {
  /** How long a synchronous request waits for its run (default: the server's `legacyWaitMs`). */
  waitMs?: number;
  /** Where workflows are looked up (default: the saved-workflow store, shipped examples included). */
  find?: WorkflowFinder;
}

interface ParsedRequest {
  body: Record<string, unknown>;
  warnings: string[];
}

function invalid(label: string, problems: string[]): SwitchyardError {
  return new SwitchyardError('invalid_input', `invalid request to ${label}: ${problems.join('; ')}`, { problems });
}

/** Applies field aliases (the canonical name wins when both are sent) and notes unknown fields. */
function normalizeFields(route: LegacyRoute, raw: Record<string, unknown>): { input: Record<string, unknown>; warnings: string[] } {
  const input: Record<string, unknown> = { ...raw };
  const aliases = route.aliases ?? {};
  for (const [alias, canonical] of Object.entries(aliases)) {
    if (!Object.hasOwn(input, alias)) continue;
    if (input[canonical] === undefined || input[canonical] === null) input[canonical] = input[alias];
    delete input[alias];
  }
  const known = new Set([...Object.keys(route.body.shape), ...Object.keys(aliases), 'async']);
  const warnings = Object.keys(raw).filter((key) => !known.has(key)).map((key) => `unknown field ${JSON.stringify(key)} was ignored`);
  return { input, warnings };
}

/** Step 1: every problem of the body at once, or the parsed body. */
async function parseRequest(route: LegacyRoute, label: string, raw: unknown, inputFolder: string): Promise<ParsedRequest> {
  if (!isPlainObject(raw)) {
    throw invalid(label, ['the body must be a JSON object (send it with Content-Type: application/json)']);
  }
  const { input, warnings } = normalizeFields(route, raw);
  const parsed = route.body.safeParse(input);
  if (!parsed.success) throw invalid(label, zodMessages(parsed.error, '', 50));
  const body = parsed.data as Record<string, unknown>;
  const problems: string[] = [];
  for (const [field, value] of mediaFields(body)) {
    if (value.kind !== 'image') continue;
    const problem = await imageProblem(value);
    if (problem) problems.push(`${field}: ${problem}`);
  }
  for (const [field, file] of inputFileFields(body)) {
    const problem = await inputFileProblem(inputFolder, file.name);
    if (problem) problems.push(`${field}: ${problem}`);
  }
  if (problems.length > 0) throw invalid(label, problems);
  return { body, warnings };
}

function wantsAsync(req: Request, raw: unknown, label: string): boolean {
  const fromQuery = (req.query as Record<string, unknown>).async;
  const fromBody = isPlainObject(raw) ? raw.async : undefined;
  for (const [where, value] of [['query parameter async', fromQuery], ['async', fromBody]] as const) {
    if (value === undefined || value === null) continue;
    const flag = readFlag(value);
    if (flag === undefined) throw invalid(label, [`${where}: must be true or false (or 1 / 0)`]);
    if (flag) return true;
  }
  return false;
}

/** Every override must address a node of the workflow: otherwise the file breaks its route's contract (a server fault). */
function checkContract(route: LegacyRoute, workflow: ApiWorkflow, params: ParamOverrides): void {
  const missing = [...new Set(Object.keys(params).map((key) => key.slice(0, key.indexOf('.'))))].filter((id) => !Object.hasOwn(workflow.nodes, id));
  if (missing.length > 0) {
    throw new SwitchyardError('internal', `the workflow ${route.workflow} does not fit POST ${route.path}: it has no node ${missing.map((id) => JSON.stringify(id)).join(', ')} (see workflows/legacy/README.md for the node ids each route sets)`, {
      workflow: route.workflow,
      missing_nodes: missing,
    });
  }
}

function runFailure(record: RunRecord): SwitchyardError {
  const statusUrl = runLocation(record.id);
  if (record.status === 'error') {
    // The executor's messages already name the node ("node 3 (KSampler) failed: …").
    const first = record.errors[0];
    return new SwitchyardError('node_failed', `the run failed: ${first?.message ?? 'no error was recorded'}`, {
      run_id: record.id,
      status_url: statusUrl,
      errors: record.errors.map((error) => ({ node_id: error.nodeId ?? null, node_type: error.nodeType ?? null, code: error.code, message: error.message })),
    });
  }
  return new SwitchyardError('interrupted', `the run was ${record.status} before it finished`, { run_id: record.id, status: record.status, status_url: statusUrl });
}

async function handle(ctx: ServerContext, route: LegacyRoute, options: Required<LegacyRouterOptions>, req: Request, res: Response): Promise<void> {
  const label = `POST ${route.path}`;
  const raw: unknown = req.body;
  const async = wantsAsync(req, raw, label);
  const folders = ctx.engine.folders;
  const { body, warnings } = await parseRequest(route, label, raw, folders.input);
  const available = await checkAvailability({ route: label, task: route.task, workflow: route.workflow, needs: route.needs, registry: ctx.engine.registry, find: options.find });

  const names = new Map<InlineMedia | InputFile, string>();
  for (const [, value] of mediaFields(body)) names.set(value, await storeMedia(folders, value));
  for (const [, file] of inputFileFields(body)) names.set(file, file.name);
  const mediaName: MediaName = (value) => {
    const name = names.get(value);
    if (name === undefined) throw new SwitchyardError('internal', `${label}: a media value was not stored before use`, {});
    return name;
  };
  const params = route.params(body, mediaName);
  checkContract(route, available.workflow, params);

  const id = randomUUID();
  const watch = async ? undefined : watchRun(ctx.queue, id);
  try {
    const outcome = await submitWorkflow(ctx, { workflow: available.document, params, id, extra: { legacy_route: label } });
    if (!outcome.ok) throw invalidWorkflowError(outcome.check);
    const statusUrl = runLocation(id);
    const notes = warnings.length > 0 ? { warnings } : {};
    if (!watch) {
      res.status(202).location(statusUrl).json({ success: true, status: 'queued', run_id: id, position: outcome.position ?? null, status_url: statusUrl, ...notes });
      return;
    }
    const gone = new AbortController();
    const onClose = () => {
      if (!res.writableFinished) gone.abort();
    };
    res.on('close', onClose);
    const result = await watch.wait(options.waitMs, gone.signal);
    res.off('close', onClose);
    if (result.kind === 'disconnected') {
      ctx.log.info({ runId: id, route: label }, 'the client left before its legacy run finished; the run goes on');
      return;
    }
    if (result.kind === 'timeout') {
      const error = new SwitchyardError('unavailable', `the run did not finish within ${Math.round(options.waitMs / 1000)} s; it goes on: poll GET ${statusUrl}`, { run_id: id, status_url: statusUrl, waited_ms: options.waitMs });
      // 504, not the code's usual 503: the server is fine, the run just takes longer than this request may wait.
      res.status(504).location(statusUrl).json(errorBody(error));
      return;
    }
    if (result.record.status !== 'success') throw runFailure(result.record);
    const answer = await route.answer(body, result.record, answerKit(result.record, folders));
    res.json({ ...(answer as Record<string, unknown>), ...notes });
  } finally {
    watch?.dispose();
  }
}

/** Express routes for every entry of `routes` (POST each path). */
export function buildLegacyRouter(ctx: ServerContext, routes: readonly LegacyRoute[], options: LegacyRouterOptions = {}): Router {
  const seen = new Set<string>();
  for (const route of routes) {
    if (seen.has(route.path)) throw new SwitchyardError('internal', `the legacy route table lists ${route.path} twice`, { path: route.path });
    seen.add(route.path);
  }
  const resolved: Required<LegacyRouterOptions> = {
    waitMs: options.waitMs ?? ctx.config.legacyWaitMs,
    find:
      options.find ??
      (async (name) => {
        const stored = await ctx.workflows.read(name);
        return stored ? { document: stored.text } : undefined;
      }),
  };
  const router = Router();
  const limited = rateLimit(ctx.submitLimiter);
  for (const route of routes) router.post(route.path, limited, (req, res) => handle(ctx, route, resolved, req, res));
  return router;
}
