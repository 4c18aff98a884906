/**
 * Cross-site request protection. A browser page on another site can POST to a local server
 * (simple requests need no CORS preflight) and open WebSockets to it; both carry an `Origin`
 * header. State-changing requests and socket upgrades whose Origin is neither this server nor
 * an allowed origin are refused. Requests without an Origin (curl, scripts, ComfyUI clients)
 * are not browsers acting for another site and pass.
 */
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { SwitchyardError } from '../../errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** True when the request has no Origin, or its Origin is this server's own or in the allow list. */
export function originAllowed(req: IncomingMessage, allowed: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin === undefined || origin === '') return true;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const host = req.headers.host;
  return typeof host === 'string' && host.length > 0 && originHost === host;
}

export function checkOrigin(allowed: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || originAllowed(req, allowed)) return next();
    next(new SwitchyardError('forbidden', `cross-site request from origin ${String(req.headers.origin)} refused; add it to SWITCHYARD_ALLOWED_ORIGINS to allow it`, { origin: req.headers.origin }));
  };
}
