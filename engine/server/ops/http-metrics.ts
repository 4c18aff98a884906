/**
 * Express middleware that counts every request and times it, labelled by the route pattern
 * that matched (`/api/runs/:id`), never the raw URL, so the number of series stays bounded
 * whatever clients send; requests no route matched are `(unmatched)`. The pattern is captured
 * when the router assigns `req.route` (together with the router's mount path at that moment,
 * which express has already reset by the time the response ends).
 */
import type { Request, RequestHandler } from 'express';
import type { ServerMetrics } from './metrics.js';

export const UNMATCHED_ROUTE = '(unmatched)';

function routePattern(route: unknown): string | undefined {
  const path = (route as { path?: unknown } | undefined)?.path;
  if (typeof path === 'string') return path;
  if (path instanceof RegExp || Array.isArray(path)) return String(path);
  return undefined;
}

/** Records the matched pattern as the router sets `req.route`, keeping `req.route` an ordinary property for everyone else. */
function captureRoute(req: Request): () => string | undefined {
  let matched: string | undefined;
  let value: unknown = (req as { route?: unknown }).route;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (next: unknown) => {
      value = next;
      const pattern = routePattern(next);
      if (pattern !== undefined) matched = `${req.baseUrl}${pattern}`;
    },
  });
  return () => matched;
}

export function httpMetrics(metrics: Pick<ServerMetrics, 'observeHttp'>): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const matched = captureRoute(req);
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // A client that hung up before the answer was sent is counted as status 499 (nginx's convention).
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.observeHttp(req.method, matched() ?? UNMATCHED_ROUTE, status, seconds);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  };
}
