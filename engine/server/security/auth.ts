/**
 * API token checks. A token travels as `Authorization: Bearer <token>`, as `X-API-Key`, or —
 * for what cannot set headers (an `<img>` tag, a WebSocket from a browser) — as `?token=`.
 * Comparison is constant-time over SHA-256 digests, so neither content nor length leaks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { SwitchyardError } from '../../errors.js';

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

export function tokenMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string' || presented.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(presented));
}

/** The token a request presents, from the header, X-API-Key, or the `token` query parameter. */
export function presentedToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    if (match) return match[1];
  }
  const apiKey = req.headers['x-api-key'];
  if (typeof apiKey === 'string' && apiKey.length > 0) return apiKey;
  const url = req.url ?? '';
  const query = url.indexOf('?');
  if (query >= 0) {
    const token = new URLSearchParams(url.slice(query + 1)).get('token');
    if (token) return token;
  }
  return undefined;
}

/** Paths anyone may read without a token: the editor's and the dashboard's static shells (they ask for the token themselves). */
export function isPublicPath(path: string): boolean {
  return path === '/' || path === '/dashboard' || path === '/dashboard/' || path === '/favicon.ico' || path.startsWith('/editor/') || path.startsWith('/assets/');
}

export function requireToken(token: string): RequestHandler {
  return (req, _res, next) => {
    if (req.method === 'OPTIONS' || isPublicPath(req.path)) return next();
    const presented = presentedToken(req);
    if (tokenMatches(token, presented)) return next();
    next(new SwitchyardError('unauthorized', presented === undefined
      ? 'this server requires an API token: send "Authorization: Bearer <token>"'
      : 'the API token is not valid'));
  };
}
