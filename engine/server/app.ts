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
import { nodesRoutes } from './api/nodes.js';

/** Every route group, in the order they are mounted. */
const routeGroups: ((ctx: ServerContext) => Router)[] = [
  nodesRoutes,
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
  app.use(checkOrigin(ctx.config.allowedOrigins));
  if (authRequired(ctx.config)) app.use(requireToken(ctx.config.token!));
  app.use(express.json({ limit: ctx.config.jsonLimitBytes, strict: false, type: ['application/json', 'application/*+json'] }));
  for (const group of routeGroups) app.use(group(ctx));
  app.use(notFoundHandler);
  app.use(errorHandler(ctx.log));
  return app;
}
