/**
 * Structured logging with pino. Library code logs through the Logger it is handed (with run id
 * and node id bound); only this module knows which backend writes the lines. The CLI logs to
 * stderr (`createLogger`); the server also keeps its recent lines in a ring buffer that the
 * operations API reads (`createServerLogger`).
 */
import { pino } from 'pino';
import type { Logger } from '../nodes/context.js';
import { createLogBuffer, DEFAULT_LOG_BUFFER_LINES, type LogBuffer } from './log-buffer.js';

export type LogLevel = 'silent' | 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

const LEVELS: readonly LogLevel[] = ['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];

export function parseLogLevel(value: string | undefined, fallback: LogLevel): LogLevel {
  return value && (LEVELS as readonly string[]).includes(value) ? (value as LogLevel) : fallback;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** File descriptor to write to (default 2: stderr, so stdout stays clean for `--json`). */
  fd?: number;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? parseLogLevel(process.env.SWITCHYARD_LOG_LEVEL, 'info');
  return pino({ name: options.name ?? 'switchyard', level }, pino.destination({ fd: options.fd ?? 2, sync: true }));
}

export interface ServerLoggerOptions extends LoggerOptions {
  /** Lines kept for `GET /api/logs` (default 2,000). */
  bufferSize?: number;
  /** Also write each line to `fd` (default true; tests turn it off to keep their output clean). */
  echo?: boolean;
}

export interface ServerLogger {
  log: Logger;
  /** Every line the logger writes, newest kept; see log-buffer.ts. */
  buffer: LogBuffer;
}

/** The server's logger: each JSON line goes to stderr (unless `echo: false`) and into the buffer. */
export function createServerLogger(options: ServerLoggerOptions = {}): ServerLogger {
  const level = options.level ?? parseLogLevel(process.env.SWITCHYARD_LOG_LEVEL, 'info');
  const buffer = createLogBuffer({ capacity: options.bufferSize ?? DEFAULT_LOG_BUFFER_LINES });
  buffer.markCapturing();
  const echo = options.echo === false ? undefined : pino.destination({ fd: options.fd ?? 2, sync: true });
  const destination = {
    write(line: string): void {
      echo?.write(line);
      buffer.append(line);
    },
  };
  return { log: pino({ name: options.name ?? 'switchyard', level }, destination), buffer };
}

/** The level of a pino logger (undefined for a Logger that has none). */
export function getLogLevel(log: Logger): LogLevel | undefined {
  const level = (log as { level?: unknown }).level;
  return typeof level === 'string' && (LEVELS as readonly string[]).includes(level) ? (level as LogLevel) : undefined;
}

/**
 * Changes a pino logger's level in place (its children follow, pino's children inherit it);
 * answers false for a Logger without a level to set.
 */
export function setLogLevel(log: Logger, level: LogLevel): boolean {
  if (getLogLevel(log) === undefined) return false;
  (log as unknown as { level: string }).level = level;
  return true;
}
