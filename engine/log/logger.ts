/**
 * Structured logging with pino. Library code logs through the Logger it is handed (with run id
 * and node id bound); only this module knows which backend writes the lines.
 */
import { pino } from 'pino';
import type { Logger } from '../nodes/context.js';

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
