/**
 * Which family a model folder is, and loading it as a `DiffusionRuntime` through the family's
 * loader. The family comes from our `manifest.json` (`family`), else diffusers' `_class_name`
 * in `model_index.json`, else the component folders present. Demo stand-ins are generated on
 * first use when missing, so any fresh data folder can run the examples.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SwitchyardError, discoverModels, type LoadedModel, type SessionOptions } from '../../../engine/nodes/index.js';
import { DEMO_MODELS, generateDemoModels } from '../demo/generate.js';
import { FAMILY_LOADERS } from '../families/index.js';
import { modelDir, readJsonFile } from './folder.js';
import { FAMILIES, type DiffusionRuntime, type Family } from './types.js';

/** What a family loader gets. */
export interface FamilyLoadContext {
  id: string;
  dir: string;
  manifest: Record<string, unknown> | undefined;
  modelIndex: Record<string, unknown> | undefined;
  sessionOptions: SessionOptions;
}

export type FamilyLoader = (ctx: FamilyLoadContext) => Promise<LoadedModel<DiffusionRuntime>>;

const CLASS_FAMILIES: Record<string, Family> = {
  StableDiffusionPipeline: 'sd15',
  OnnxStableDiffusionPipeline: 'sd15',
  ORTStableDiffusionPipeline: 'sd15',
  LatentConsistencyModelPipeline: 'sd15',
  ORTLatentConsistencyModelPipeline: 'sd15',
  StableDiffusionXLPipeline: 'sdxl',
  ORTStableDiffusionXLPipeline: 'sdxl',
  OnnxStableDiffusionXLPipeline: 'sdxl',
  StableDiffusion3Pipeline: 'sd3',
  ORTStableDiffusion3Pipeline: 'sd3',
  FluxPipeline: 'flux',
  ORTFluxPipeline: 'flux',
};

const MANIFEST_FAMILIES: Record<string, Family> = { sd15: 'sd15', sd1: 'sd15', sd2: 'sd15', sd21: 'sd15', 'sd-turbo': 'sd15', lcm: 'sd15', sdxl: 'sdxl', pony: 'sdxl', 'sdxl-turbo': 'sdxl', sd3: 'sd3', flux: 'flux' };

/** The family of a diffusers folder, from manifest, model_index or its component folders; null when not a diffusion model. */
export function familyOf(dir: string, manifest: Record<string, unknown> | undefined, modelIndex: Record<string, unknown> | undefined): Family | null {
  const stated = typeof manifest?.family === 'string' ? MANIFEST_FAMILIES[manifest.family.toLowerCase()] : undefined;
  if (stated) return stated;
  const byClass = typeof modelIndex?._class_name === 'string' ? CLASS_FAMILIES[modelIndex._class_name] : undefined;
  if (byClass) return byClass;
  const has = (folder: string) => existsSync(join(dir, folder, 'model.onnx'));
  if (has('transformer')) return has('text_encoder_3') ? 'sd3' : has('text_encoder_2') ? 'flux' : null;
  if (has('unet')) return has('text_encoder_2') ? 'sdxl' : 'sd15';
  return null;
}

/** Diffusion model folders in `modelsDir` with their family (the demos included even before they are written). */
export async function diffusionModels(modelsDir: string, families: readonly Family[] = FAMILIES): Promise<{ id: string; family: Family }[]> {
  const out = new Map<string, Family>();
  for (const found of await discoverModels(modelsDir)) {
    if (found.layout !== 'diffusers') continue;
    const manifest = await readJsonFile(join(found.path, 'manifest.json'));
    const index = await readJsonFile(join(found.path, 'model_index.json'));
    const family = familyOf(found.path, manifest, index);
    if (family && families.includes(family)) out.set(found.id, family);
  }
  for (const [id, demo] of Object.entries(DEMO_MODELS)) if (!out.has(id) && families.includes(demo.family)) out.set(id, demo.family);
  return [...out].map(([id, family]) => ({ id, family })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Combo options: the ids of the diffusion models present (and the demos). */
export async function diffusionModelIds(modelsDir: string): Promise<string[]> {
  return (await diffusionModels(modelsDir)).map((m) => m.id);
}

/** The loader `ctx.models.use` calls for any diffusion model folder. */
export async function loadDiffusionModel(modelsDir: string, id: string, sessionOptions: SessionOptions = {}): Promise<LoadedModel<DiffusionRuntime>> {
  const dir = modelDir(modelsDir, id);
  if (!existsSync(join(dir, 'manifest.json')) && id in DEMO_MODELS) await generateDemoModels(modelsDir, { ifMissing: true, only: [id] });
  if (!existsSync(dir)) throw new SwitchyardError('model_not_found', `no model ${JSON.stringify(id)} in the models folder ${modelsDir}`, { model: id });
  const manifest = await readJsonFile(join(dir, 'manifest.json'));
  const modelIndex = await readJsonFile(join(dir, 'model_index.json'));
  const family = familyOf(dir, manifest, modelIndex);
  if (!family) {
    throw new SwitchyardError('model_contract_mismatch', `model ${id} is not a diffusion model this pack knows (expected an SD 1.x/2.x, SDXL, SD3 or Flux ONNX export: model_index.json with unet/ or transformer/ component folders, or a manifest.json stating "family")`, { model: id });
  }
  return FAMILY_LOADERS[family]({ id, dir, manifest, modelIndex, sessionOptions });
}
