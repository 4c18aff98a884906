/**
 * The server's recent log lines, kept in a ring (2,000 by default) so an operator can read
 * them over HTTP (`GET /api/logs`) and live subscribers (socket.io) can follow new ones. The
 * server's pino logger writes each JSON line both to stderr and here (see createServerLogger);
 * a line is parsed once into a small structured record. The ring never grows past its
 * capacity, and one oversized line is cut down, so memory stays bounded whatever is logged.
 */
import { z } from 'zod';

export const LOG_LINE_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const LogLineLevelSchema = z.enum(LOG_LINE_LEVELS);
export type LogLineLevel = z.infer<typeof LogLineLevelSchema>;

/** pino's numeric levels. */
const LEVEL_VALUES: Record<LogLineLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

export const LogLineSchema = z.object({
  /** Increases by one per line for the life of the process (not reset by clear): `after=` pages on it. */
  seq: z.number().int().positive(),
  /** Epoch milliseconds. */
  time: z.number(),
  level: LogLineLevelSchema,
  msg: z.string(),
  /** Everything else the line carried (runId, nodeId, err, …), without pid/hostname/name. */
  fields: z.record(z.string(), z.unknown()),
});
export type LogLine = z.infer<typeof LogLineSchema>;

export interface LogQuery {
  /** Minimum level. */
  level?: LogLineLevel;
  /** At most this many lines: the newest that match. */
  limit?: number;
  /** Only lines at or after this epoch-ms time. */
  since?: number;
  /** Only lines with a larger `seq` (for polling). */
  after?: number;
  /** Case-insensitive substring of the message. */
  q?: string;
}

export type LogListener = (line: LogLine) => void;

export interface LogBuffer {
  readonly capacity: number;
  readonly size: number;
  /** True when a logger writes into this buffer (false: nothing will ever arrive). */
  readonly capturing: boolean;
  /** Lines pushed out by newer ones since the start. */
  readonly overwritten: number;
  /** The `seq` of the newest line appended (0 before the first). */
  readonly lastSeq: number;
  /** Adds a line: pino's JSON text (one line) or an already parsed object. */
  append(line: string | Record<string, unknown>): LogLine;
  /** Matching lines, oldest first. */
  query(query?: LogQuery): LogLine[];
  /** Drops every line; answers how many were dropped. */
  clear(): number;
  /** Changes the capacity, keeping the newest lines. */
  resize(capacity: number): void;
  /** Called with each new line; answers a function that removes the listener. */
  onLine(listener: LogListener): () => void;
  /** Marks the buffer as fed by a logger (createServerLogger does this). */
  markCapturing(): void;
}

export const DEFAULT_LOG_BUFFER_LINES = 2000;
/** A line longer than this keeps its level, time and message; its fields are replaced by a note. */
const MAX_LINE_CHARS = 16 * 1024;
const DROPPED_FIELDS = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name', 'v']);

function levelName(value: unknown): LogLineLevel {
  if (typeof value === 'string' && (LOG_LINE_LEVELS as readonly string[]).includes(value)) return value as LogLineLevel;
  const n = typeof value === 'number' ? value : 30;
  if (n >= 60) return 'fatal';
  if (n >= 50) return 'error';
  if (n >= 40) return 'warn';
  if (n >= 30) return 'info';
  if (n >= 20) return 'debug';
  return 'trace';
}

function parseLine(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // Not JSON (something wrote plain text into the stream): kept as the message itself.
  }
  return { msg: text.trimEnd() };
}

function checkCapacity(capacity: number): number {
  if (!Number.isSafeInteger(capacity) || capacity < 1) throw new RangeError(`log buffer capacity must be a positive integer, got ${capacity}`);
  return capacity;
}

export function createLogBuffer(options: { capacity?: number } = {}): LogBuffer {
  let capacity = checkCapacity(options.capacity ?? DEFAULT_LOG_BUFFER_LINES);
  // Ring: `ring[start]` is the oldest line once the ring is full.
  let ring: LogLine[] = [];
  let start = 0;
  let seq = 0;
  let overwritten = 0;
  let capturing = false;
  const listeners = new Set<LogListener>();
  let dispatching = false;

  const ordered = (): LogLine[] => (start === 0 ? ring : [...ring.slice(start), ...ring.slice(0, start)]);

  const toLine = (input: string | Record<string, unknown>): LogLine => {
    const raw = typeof input === 'string' ? parseLine(input) : input;
    const time = typeof raw.time === 'number' ? raw.time : Date.now();
    const msg = typeof raw.msg === 'string' ? raw.msg : raw.msg === undefined ? '' : String(raw.msg);
    let fields: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) if (!DROPPED_FIELDS.has(key)) fields[key] = value;
    const size = typeof input === 'string' ? input.length : 0;
    if (size > MAX_LINE_CHARS) fields = { truncated: true, originalChars: size };
    return { seq: ++seq, time, level: levelName(raw.level), msg: msg.length > MAX_LINE_CHARS ? `${msg.slice(0, MAX_LINE_CHARS)}…` : msg, fields };
  };

  const dispatch = (line: LogLine): void => {
    // A listener that logs would feed itself forever: lines logged while dispatching are kept but not re-dispatched.
    if (dispatching || listeners.size === 0) return;
    dispatching = true;
    try {
      for (const listener of [...listeners]) {
        try {
          listener(line);
        } catch (error) {
          // Logging the failure would come back here; a warning on stderr says it, once, and the listener goes.
          listeners.delete(listener);
          process.emitWarning(`a log line listener threw and was removed: ${error instanceof Error ? error.message : String(error)}`, { code: 'SWITCHYARD_LOG_LISTENER' });
        }
      }
    } finally {
      dispatching = false;
    }
  };

  return {
    get capacity() {
      return capacity;
    },
    get size() {
      return ring.length;
    },
    get capturing() {
      return capturing;
    },
    get overwritten() {
      return overwritten;
    },
    get lastSeq() {
      return seq;
    },
    append(input) {
      const line = toLine(input);
      if (ring.length < capacity) {
        ring.push(line);
      } else {
        ring[start] = line;
        start = (start + 1) % capacity;
        overwritten++;
      }
      dispatch(line);
      return line;
    },
    query(query = {}) {
      const minimum = query.level === undefined ? 0 : LEVEL_VALUES[query.level];
      const needle = query.q === undefined || query.q === '' ? undefined : query.q.toLowerCase();
      const limit = query.limit ?? capacity;
      const all = ordered();
      const picked: LogLine[] = [];
      // Newest first until the limit, then reversed: the answer is the newest matches, oldest first.
      for (let i = all.length - 1; i >= 0 && picked.length < limit; i--) {
        const line = all[i]!;
        if (query.after !== undefined && line.seq <= query.after) break;
        if (query.since !== undefined && line.time < query.since) continue;
        if (LEVEL_VALUES[line.level] < minimum) continue;
        if (needle !== undefined && !line.msg.toLowerCase().includes(needle)) continue;
        picked.push(line);
      }
      return picked.reverse();
    },
    clear() {
      const dropped = ring.length;
      ring = [];
      start = 0;
      return dropped;
    },
    resize(next) {
      checkCapacity(next);
      const kept = ordered().slice(-next);
      overwritten += ring.length - kept.length;
      ring = kept;
      start = 0;
      capacity = next;
    },
    onLine(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    markCapturing() {
      capturing = true;
    },
  };
}
