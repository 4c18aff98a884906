/**
 * The express application: security first (origin check, token), body parsing with limits,
 * then every group of routes, then the JSON 404 and error handlers. Route groups are functions
 * of the server context; adding a group is one line in `routeGroups`. The submission routes
 * are also served by a pre-router ahead of express (`createRequestListener`, hot-routes.ts)
 * that runs the same middleware and handlers without the walk through every route group.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type RequestHandler, type Router } from 'express';
import type { ServerContext } from './context.js';
import { authRequired } from './config.js';
import { checkOrigin } from './security/origin.js';
import { requireToken } from './security/auth.js';
import { errorHandler, notFoundHandler } from './http/errors.js';
import { verifyJsonBody } from './http/json-body.js';
import { hotRoutes, type HotRoute } from './http/hot-routes.js';
import { nodesRoutes } from './api/nodes.js';
import { opsRoutes } from './ops/routes.js';
import { httpMetrics } from './ops/http-metrics.js';
import { runsHotRoutes, runsRoutes } from './api/runs.js';
import { workflowsHotRoutes, workflowsRoutes } from './api/workflows.js';
import { filesRoutes, parsesItsOwnBody } from './api/files.js';
import { comfyFilesRoutes } from './comfy/files.js';
import { comfyHotRoutes, comfyRoutes } from './comfy/routes.js';
import { legacyRoutes } from './legacy/routes.js';
import { referenceRoutes } from './openapi/routes.js';
import { editorRoutes } from './editor/routes.js';

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
  editorRoutes,
];

/** The hot submission routes the pre-router serves ahead of express (see http/hot-routes.ts). */
const hotRouteGroups: ((ctx: ServerContext) => HotRoute[])[] = [runsHotRoutes, comfyHotRoutes, workflowsHotRoutes];

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  next();
};

/** What every request passes before the routes, in order: mounted on the app, and run by the pre-router. */
function appMiddleware(ctx: ServerContext): RequestHandler[] {
  const middleware: RequestHandler[] = [
    securityHeaders,
    // First after the headers, so every answer is counted (refusals by origin or token included).
    httpMetrics(ctx.metrics),
    checkOrigin(ctx.config.allowedOrigins),
  ];
  if (authRequired(ctx.config)) middleware.push(requireToken(ctx.config.token!));
  // verifyJsonBody: nesting deeper than any workflow, or invalid UTF-8, is a 400 before parsing.
  const jsonBody = express.json({ limit: ctx.config.jsonLimitBytes, strict: false, type: ['application/json', 'application/*+json'], verify: verifyJsonBody });
  // Upload routes parse their own (larger, base64-sized) JSON bodies: see api/files.ts.
  middleware.push((req, res, next) => (parsesItsOwnBody(req.path) ? next() : jsonBody(req, res, next)));
  return middleware;
}

export function createApp(ctx: ServerContext, middleware: RequestHandler[] = appMiddleware(ctx)): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // Paths are matched exactly as sent: no case folding, a trailing slash is a different path.
  app.set('case sensitive routing', true);
  app.set('strict routing', false);
  app.set('query parser', 'simple');
  for (const handler of middleware) app.use(handler);
  for (const group of routeGroups) app.use(group(ctx));
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}

/**
 * The server's request listener: the submission routes through the pre-router, everything
 * else through the express app — both with the same middleware and error handlers.
 */
export function createRequestListener(ctx: ServerContext): (req: IncomingMessage, res: ServerResponse) => void {
  const middleware = appMiddleware(ctx);
  const app = createApp(ctx, middleware);
  const hot = hotRoutes({
    app,
    middleware,
    routes: hotRouteGroups.flatMap((group) => group(ctx)),
    errorHandler: errorHandler(ctx.log),
    notFound: notFoundHandler,
  });
  return (req, res) => {
    if (!hot(req, res)) app(req, res);
  };
}
