/**
 * `GET /api/nodes` — every node definition (the shape `switchyard nodes --json` prints), cheap
 * to call repeatedly: served from a cached document with an ETag and pre-compressed bodies.
 * `GET /api/nodes/:type` — one of them (aliases accepted). `GET /api/packs` — loaded packs and
 * the ones skipped, with their reasons.
 */
import { Router } from 'express';
import { SwitchyardError } from '../../errors.js';
import type { NodeDescription } from '../../nodes/describe.js';
import type { ServerContext } from '../context.js';

export function nodesRoutes(ctx: ServerContext): Router {
  const router = Router();
  router.get('/api/nodes', (req, res) => ctx.nodesDocument.send(req, res));
  router.get('/api/nodes/:type', async (req, res) => {
    const resolved = ctx.engine.registry.resolve(req.params.type);
    if (!resolved) throw new SwitchyardError('not_found', `no node type ${JSON.stringify(req.params.type)}`, { type: req.params.type });
    const all = (await ctx.nodesDocument.value()) as NodeDescription[];
    const description = all.find((d) => d.type === resolved.node.type);
    if (!description) throw new SwitchyardError('not_found', `no node type ${JSON.stringify(req.params.type)}`, { type: req.params.type });
    res.json(description);
  });
  router.get('/api/packs', (_req, res) => {
    res.json(ctx.engine.packs);
  });
  return router;
}
