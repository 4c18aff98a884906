/**
 * Running code with a diffusion model held by the engine's model manager: loaded once however
 * many nodes ask at the same time, with the configured execution providers and threads
 * (`ctx.models.sessionOptions`), never evicted while `fn` runs.
 */
import type { NodeContext } from '../../../engine/nodes/index.js';
import { loadDiffusionModel } from './load.js';
import type { DiffusionRuntime } from './types.js';

export function useDiffusionModel<R>(ctx: Pick<NodeContext, 'models' | 'folders'>, id: string, fn: (runtime: DiffusionRuntime) => Promise<R>): Promise<R> {
  return ctx.models.use(id, (model) => loadDiffusionModel(ctx.folders.models, model, ctx.models.sessionOptions), fn);
}
