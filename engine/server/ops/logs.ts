/**
 * `GET /api/logs` and `DELETE /api/logs` over the server's log buffer. The query is validated
 * here (level = minimum level, limit, since = epoch ms or an ISO time, after = a line's `seq`
 * for polling, q = case-insensitive substring of the message); the answer says whether the
 * buffer is fed at all (`capturing`), so an empty list is never mistaken for a quiet server.
 */
import { z } from 'zod';
import { LogLineLevelSchema, LogLineSchema } from '../../log/log-buffer.js';
import { parseInput } from '../http/parse.js';
import type { ServerContext } from '../context.js';

const MAX_LIMIT = 100_000;

const Since = z.union([
  z.coerce.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((text) => Date.parse(text)),
]);

export const LogsQuerySchema = z.strictObject({
  level: LogLineLevelSchema.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIMIT).default(200),
  since: Since.optional(),
  after: z.coerce.number().int().nonnegative().optional(),
  q: z.string().max(500).optional(),
});
export type LogsQuery = z.input<typeof LogsQuerySchema>;

export const LogsPageSchema = z.object({
  /** Oldest first: the newest `limit` lines that match. */
  lines: z.array(LogLineSchema),
  /** False when no logger feeds the buffer (the server was started without one): nothing will appear. */
  capturing: z.boolean(),
  /** Lines held now (all levels). */
  size: z.number(),
  capacity: z.number(),
  /** Lines pushed out of the buffer by newer ones since start. */
  overwritten: z.number(),
  /** The newest line's `seq`: pass it as `after` to get only newer lines next time. */
  lastSeq: z.number(),
});
export type LogsPage = z.infer<typeof LogsPageSchema>;

/** Validates a raw query (strings from the URL, or values from code) and answers the page. */
export function logsQuery(ctx: Pick<ServerContext, 'logs'>, query: unknown): LogsPage {
  const q = parseInput(LogsQuerySchema, query ?? {}, 'query');
  const buffer = ctx.logs;
  return {
    lines: buffer.query(q),
    capturing: buffer.capturing,
    size: buffer.size,
    capacity: buffer.capacity,
    overwritten: buffer.overwritten,
    lastSeq: buffer.lastSeq,
  };
}

/** `DELETE /api/logs`'s answer. */
export const LogsClearedSchema = z.object({ cleared: z.number().describe('Lines removed') });

export function clearLogs(ctx: Pick<ServerContext, 'logs'>): z.infer<typeof LogsClearedSchema> {
  return { cleared: ctx.logs.clear() };
}

/** Sends each new log line to every live client as the `log` event; answers a function that stops it. */
export function forwardLogLines(ctx: Pick<ServerContext, 'logs' | 'live'>): () => void {
  return ctx.logs.onLine((line) => ctx.live.broadcast('log', line));
}
