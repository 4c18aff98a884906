/**
 * ComfyUI's routes answer failures in ComfyUI's shape, `{error: {type, message, details,
 * extra_info}, node_errors: {}}`, because its clients read `error.message` and `node_errors`
 * (our native routes answer `{error: {code, message, details}}`). `type` is our stable error
 * code and the HTTP status is the one our code maps to. Failures before a ComfyUI route is
 * reached (a bad token, a cross-site origin, unparseable JSON) keep the native shape.
 */
import type { ErrorRequestHandler } from 'express';
import { toHttpError } from '../http/errors.js';
import type { Logger } from '../../nodes/context.js';
import type { ComfyValidationFailure } from './node-errors.js';

export function comfyErrorBody(error: unknown): { status: number; body: ComfyValidationFailure } {
  // toHttpError: a client error from the router or body-parser (a bad %-escape) keeps its 4xx.
  const known = toHttpError(error);
  return {
    status: known.status,
    body: { error: { type: known.code, message: known.message, details: known.message, extra_info: { ...known.details } }, node_errors: {} },
  };
}

export function comfyErrorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const { status, body } = comfyErrorBody(error);
    if (status >= 500) log.error({ err: error, method: req.method, url: req.originalUrl, code: body.error.type }, 'ComfyUI route failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json(body);
  };
}
