/**
 * Opening an SD 1.x model folder (diffusers/optimum layout) for the pipeline: tokenizer files,
 * then text encoder, UNet and VAE decoder sessions, each checked against its contract. The
 * demo stand-in is generated into the models folder on first use when it is missing (the
 * set-up step writes it for `<data>`, but any fresh data folder works too). Paths never leave
 * the models folder.
 */
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { SwitchyardError, discoverModels, openSession, type LoadedModel, type OpenedSession } from '../../engine/nodes/index.js';
import { SD_TEXT_ENCODER, SD_UNET, SD_VAE_DECODER } from './contracts.js';
import { DEMO_MODELS, generateDemoModels } from './demo/generate.js';
import type { Sd15Model } from './pipelines/sd15.js';
import { ClipTokenizer } from './text/clip-tokenizer.js';

const SD15_CLASSES = new Set(['StableDiffusionPipeline', 'OnnxStableDiffusionPipeline', 'ORTStableDiffusionPipeline', 'LatentConsistencyModelPipeline']);

/** SD 1.x/2.x model folders present (and the demo, which appears on first use). */
export async function sd15Models(modelsDir: string): Promise<string[]> {
  const found = await discoverModels(modelsDir);
  const ids = found.filter((m) => m.layout === 'diffusers' && (m.family === 'sd15' || m.family === 'sd2' || (m.family === null && SD15_CLASSES.has(m.pipelineClass ?? '')))).map((m) => m.id);
  for (const demo of Object.keys(DEMO_MODELS)) if (!ids.includes(demo)) ids.push(demo);
  return ids.sort();
}

function modelDir(modelsDir: string, id: string): string {
  const root = resolve(modelsDir);
  const dir = resolve(root, id);
  if (id === '' || id.includes('/') || id.includes('\\') || id.startsWith('.') || !dir.startsWith(root + sep)) {
    throw new SwitchyardError('invalid_input', `model name ${JSON.stringify(id)} is not a folder name in the models folder`, { model: id });
  }
  return dir;
}

async function readJsonFile(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** The loader `ctx.models.use` calls: opens every component, or releases what it opened and throws. */
export async function loadSd15(modelsDir: string, id: string): Promise<LoadedModel<Sd15Model>> {
  const dir = modelDir(modelsDir, id);
  if (!existsSync(dir) && id in DEMO_MODELS) await generateDemoModels(modelsDir, { ifMissing: true });
  if (!existsSync(dir)) throw new SwitchyardError('model_not_found', `no model ${JSON.stringify(id)} in the models folder ${modelsDir}`, { model: id });
  const vocab = await readJsonFile(join(dir, 'tokenizer', 'vocab.json'));
  const tokenizerJson = vocab ? undefined : await readJsonFile(join(dir, 'tokenizer', 'tokenizer.json'));
  let tokenizer: ClipTokenizer;
  try {
    tokenizer = vocab
      ? new ClipTokenizer({ vocab: vocab as Record<string, number>, merges: (await readFile(join(dir, 'tokenizer', 'merges.txt'), 'utf8').catch(() => '')).split('\n') })
      : ClipTokenizer.fromTokenizerJson(tokenizerJson);
  } catch (error) {
    throw new SwitchyardError('model_contract_mismatch', `model ${id}: its tokenizer could not be read (${(error as Error).message})`, { model: id, component: 'tokenizer' });
  }
  const manifest = await readJsonFile(join(dir, 'manifest.json'));
  const opened: OpenedSession[] = [];
  try {
    for (const [contract, folder] of [[SD_TEXT_ENCODER, 'text_encoder'], [SD_UNET, 'unet'], [SD_VAE_DECODER, 'vae_decoder']] as const) {
      opened.push(await openSession(id, contract, join(dir, folder, 'model.onnx')));
    }
  } catch (error) {
    await Promise.allSettled(opened.map((o) => o.session.release()));
    throw error;
  }
  const [textEncoder, unet, vaeDecoder] = opened as [OpenedSession, OpenedSession, OpenedSession];
  let bytes = 0;
  for (const folder of ['text_encoder', 'unet', 'vae_decoder']) {
    bytes += (await stat(join(dir, folder, 'model.onnx'))).size;
  }
  return {
    value: {
      tokenizer,
      textEncoder,
      unet,
      vaeDecoder,
      scalingFactor: typeof manifest?.scaling_factor === 'number' ? manifest.scaling_factor : 0.18215,
      latentChannels: typeof manifest?.latent_channels === 'number' ? manifest.latent_channels : 4,
    },
    bytes,
    release: async () => {
      await Promise.allSettled(opened.map((o) => o.session.release()));
    },
  };
}
