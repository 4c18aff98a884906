/**
 * Express middleware that counts every request and times it, labelled by the route pattern
 * that matched (`/api/runs/:id`), never the raw URL, so the number of series stays bounded
 * whatever clients send; requests no route matched are `(unmatched)`. The pattern is read from
 * `req.route`, which the router sets when a route matches and never clears: every route group
 * is mounted at the root (no mount path to prefix), so the route's own path is the pattern.
 */
import type { Request, RequestHandler } from 'express';
import type { ServerMetrics } from './metrics.js';

export const UNMATCHED_ROUTE = '(unmatched)';

function routePattern(req: Request): string | undefined {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return path;
  if (path instanceof RegExp || Array.isArray(path)) return String(path);
  return undefined;
}

export function httpMetrics(metrics: Pick<ServerMetrics, 'observeHttp'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // 'close' follows 'finish' on every response, and comes alone when the client hung up first.
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A client that hung up before the answer was sent is counted as status 499 (nginx's convention).
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.observeHttp(req.method, routePattern(req) ?? UNMATCHED_ROUTE, status, seconds);
    });
    next();
  };
}
