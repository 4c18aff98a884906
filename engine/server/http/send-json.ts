/**
 * A JSON answer written in one step: status, `Content-Type: application/json; charset=utf-8`,
 * `Content-Length` and the body — the headers express's `res.status().json()` sends (ETags are
 * off in this app), without its chain of content-type lookups and freshness checks. For the
 * submission routes, where that chain was a measurable share of each request.
 */
import type { ServerResponse } from 'node:http';

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_CONTENT_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
