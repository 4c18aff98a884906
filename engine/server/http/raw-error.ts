/**
 * An error answer written straight onto a raw socket — for the places express never sees: a
 * refused WebSocket upgrade, a request Node's HTTP parser rejected. Same JSON error shape as
 * every other answer; the connection is closed after it, so a client learns why instead of
 * waiting for a timeout.
 */
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '../../errors.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout',
  431: 'Request Header Fields Too Large', 503: 'Service Unavailable',
};

export interface RawErrorOptions {
  details?: Record<string, unknown>;
  /** Send the head only (the request was a HEAD). */
  headOnly?: boolean;
}

export function writeRawError(socket: Duplex, status: number, code: ErrorCode, message: string, options: RawErrorOptions = {}): void {
  const body = JSON.stringify({ error: { code, message, details: options.details ?? {} } });
  const head = [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ];
  if (status === 401) head.push('WWW-Authenticate: Bearer');
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${options.headOnly ? '' : body}`);
}
