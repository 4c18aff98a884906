/**
 * The express application: security first (origin check, token), body parsing with limits,
 * then every group of routes, then the JSON 404 and error handlers. Route groups are functions
 * of the server context; adding a group is one line in `routeGroups`.
 */
import express, { type Express, type Router } from 'express';
import type { ServerContext } from './context.js';
import { authRequired } from './config.js';
import { checkOrigin } from './security/origin.js';
import { requireToken } from './security/auth.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { verifyJsonBody } from './http/json-body.js';
import { nodesRoutes } from './api/nodes.js';
import { opsRoutes } from './ops/routes.js';
import { httpMetrics } from './ops/http-metrics.js';
import { runsRoutes } from './api/runs.js';
import { workflowsRoutes } from './api/workflows.js';
import { filesRoutes, parsesItsOwnBody } from './api/files.js';
import { comfyFilesRoutes } from './comfy/files.js';
import { comfyRoutes } from './comfy/routes.js';
import { legacyRoutes } from './legacy/routes.js';
import { referenceRoutes } from './openapi/routes.js';

/** Every route group, in the order they are mounted. */
const routeGroups: ((ctx: ServerContext) => Router)[] = [
  nodesRoutes,
  opsRoutes,
  // Before runsRoutes: both answer POST /api/interrupt (ComfyUI's body {prompt_id}, ours {id}).
  comfyRoutes,
  runsRoutes,
  workflowsRoutes,
  filesRoutes,
  comfyFilesRoutes,
  legacyRoutes,
  referenceRoutes,
];

export function createApp(ctx: ServerContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Paths are matched exactly as sent: no case folding, a trailing slash is a different path.
  app.set('case sensitive routing', true);
  app.set('strict routing', false);
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  // First, so every answer is counted (refusals by origin or token included).
  app.use(httpMetrics(ctx.metrics));
  app.use(checkOrigin(ctx.config.allowedOrigins));
  if (authRequired(ctx.config)) app.use(requireToken(ctx.config.token!));
  // verifyJsonBody: nesting deeper than any workflow, or invalid UTF-8, is a 400 before parsing.
  const jsonBody = express.json({ limit: ctx.config.jsonLimitBytes, strict: false, type: ['application/json', 'application/*+json'], verify: verifyJsonBody });
  // Upload routes parse their own (larger, base64-sized) JSON bodies: see api/files.ts.
  app.use((req, res, next) => (parsesItsOwnBody(req.path) ? next() : jsonBody(req, res, next)));
  for (const group of routeGroups) app.use(group(ctx));
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
