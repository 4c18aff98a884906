/**
 * A pre-router for the submission routes (`POST /api/runs`, `POST /prompt`,
 * `POST /api/workflows/<name>/run`): a request whose method and path name one of them exactly
 * is dispatched straight to that route's handlers; every other request goes to express.
 *
 * Why: under load, express's walk of every route group (a regex per route, nested routers) and
 * its per-request set-up cost more than validating the submitted workflow. Nothing else
 * changes — the request passes the very middleware functions app.ts mounts (security headers,
 * metrics, origin check, token, JSON body with its limits), then the route's own (rate limit,
 * handler), and failures go to the same error handlers: the app's before the route is reached,
 * the route group's after it (ComfyUI's shape for `/prompt`). The routes stay mounted in
 * express too, so anything this does not take (a trailing slash, a percent-encoded name) is
 * served there exactly as before.
 *
 * The request and response stay plain Node objects on the way to an answer: what the
 * middleware and handlers read of express's is given as it would be (`req.path`, `req.params`,
 * and `req.route` once the route is reached, which metrics label by), and the handlers answer
 * with `sendJson`. Before any error handler or the 404 runs, express's request and response
 * helpers are attached as its own `app.handle` attaches them, since those answer through them.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorRequestHandler, Express, Request, RequestHandler, Response } from 'express';

/** One route the pre-router serves. */
export interface HotRoute {
  method: 'POST';
  /** The route's path as express mounts it: what `req.route.path` says (metrics label by it). */
  routePath: string | string[];
  /** The route params for a request path (query string removed), or undefined when it is not this route's. */
  match(path: string): Record<string, unknown> | undefined;
  /** The route's own handlers (rate limit, handler), as mounted on its router. */
  handlers: RequestHandler[];
  /** The error handler of the route's group, if it has one (else the app's handles its errors). */
  errorHandler?: ErrorRequestHandler;
}

export interface HotRoutesOptions {
  /** The application whose request and response helpers the error handlers answer with. */
  app: Express;
  /** The app-level middleware every request passes before any route, in order (app.ts's). */
  middleware: RequestHandler[];
  routes: HotRoute[];
  /** The app's error handler. */
  errorHandler: ErrorRequestHandler;
  /** The app's answer when nothing took the request (reached only if a handler passes it on). */
  notFound: RequestHandler;
}

/** Answers true when it took the request (it is then answered), false to leave it to express. */
export type HotDispatch = (req: IncomingMessage, res: ServerResponse) => boolean;

interface PreparedRoute {
  route: HotRoute;
  /** The middleware, then the step that reaches the route, then the route's handlers. */
  stages: RequestHandler[];
  /** Index of the first of the route's own handlers in `stages`. */
  firstRouteHandler: number;
}

export function hotRoutes(options: HotRoutesOptions): HotDispatch {
  const { app, middleware, errorHandler, notFound } = options;
  const prepared: PreparedRoute[] = options.routes.map((route) => {
    // What express's router sets when the route matches (a route object whose `path` is the pattern).
    const reached = { path: route.routePath };
    const reachRoute: RequestHandler = (req, _res, next) => {
      req.route = reached;
      next();
    };
    return { route, stages: [...middleware, reachRoute, ...route.handlers], firstRouteHandler: middleware.length + 1 };
  });
  const methods = new Set(options.routes.map((route) => route.method));

  return (rawReq, rawRes) => {
    const method = rawReq.method;
    if (method === undefined || !methods.has(method as HotRoute['method'])) return false;
    const url = rawReq.url ?? '';
    if (url.charCodeAt(0) !== 0x2f /* "/" */) return false;
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    for (const candidate of prepared) {
      if (candidate.route.method !== method) continue;
      const params = candidate.route.match(path);
      if (params === undefined) continue;
      const req = rawReq as Request;
      // What express's getter answers for a request target that starts with "/" (its pathname).
      (req as { path: string }).path = path;
      // Only the route reads params (no app-level middleware does), so they are given up front.
      req.params = params as Request['params'];
      dispatch(req, rawRes as Response, candidate);
      return true;
    }
    return false;
  };

  /** express's request and response helpers, attached as its app.handle and router do. */
  function attachExpress(req: Request, res: Response): void {
    if (Object.getPrototypeOf(req) === app.request) return;
    req.res = res;
    res.req = req;
    Object.setPrototypeOf(req, app.request);
    Object.setPrototypeOf(res, app.response);
    if (!res.locals) res.locals = Object.create(null) as Response['locals'];
    req.baseUrl = '';
    req.originalUrl ??= req.url;
  }

  function dispatch(req: Request, res: Response, { route, stages, firstRouteHandler }: PreparedRoute): void {
    let index = 0;
    let failedOnce = false;

    const fail = (error: unknown): void => {
      attachExpress(req, res);
      // Errors before the route is reached go to the app's handler, as in express; after it, to
      // the route group's handler (if it has one) and then, if that passes it on, the app's.
      const inRoute = index - 1 >= firstRouteHandler;
      const handler = inRoute && route.errorHandler && !failedOnce ? route.errorHandler : errorHandler;
      const last = handler === errorHandler;
      failedOnce = true;
      try {
        handler(error, req, res, (passed?: unknown) => {
          if (!last) fail(passed ?? error);
        });
      } catch (handlerError) {
        // The app's own error handler failing leaves nothing that could answer: the connection is cut.
        if (!last) fail(handlerError);
        else res.destroy();
      }
    };

    const run = (handler: RequestHandler): void => {
      try {
        const result = handler(req, res, next) as unknown;
        if (result !== null && typeof result === 'object' && typeof (result as Promise<unknown>).then === 'function') {
          (result as Promise<unknown>).then(undefined, (error: unknown) => next(error || new Error('Rejected promise')));
        }
      } catch (error) {
        next(error);
      }
    };

    const notFoundNow = (): void => {
      attachExpress(req, res);
      run(notFound);
    };

    function next(error?: unknown): void {
      // 'route' and 'router' skip the rest: nothing after these routes would take the request.
      if (error === 'route' || error === 'router') notFoundNow();
      else if (error) fail(error);
      else if (index < stages.length) run(stages[index++]!);
      else notFoundNow();
    }

    next();
  }
}
