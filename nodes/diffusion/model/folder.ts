/**
 * Reading a diffusers/optimum model folder, shared by every family loader: the folder path
 * (never outside the models folder), JSON side files, a CLIP tokenizer (`vocab.json` +
 * `merges.txt`, or `tokenizer.json`), and opening a set of ONNX components against their
 * contracts — all or nothing: when one fails, the ones already open are released.
 */
import { readFile, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { SwitchyardError, openSession, type ComponentContract, type OpenedSession, type SessionOptions } from '../../../engine/nodes/index.js';
import { ClipTokenizer } from '../text/clip-tokenizer.js';

/** The folder of model `id` inside `modelsDir`; refuses names that are not one folder name. */
export function modelDir(modelsDir: string, id: string): string {
  const root = resolve(modelsDir);
  const dir = resolve(root, id);
  if (id === '' || id.includes('/') || id.includes('\\') || id.includes('\0') || id.startsWith('.') || !dir.startsWith(root + sep)) {
    throw new SwitchyardError('invalid_input', `model name ${JSON.stringify(id)} is not a folder name in the models folder`, { model: id });
  }
  return dir;
}

/** A finite number from a JSON side file (manifest.json, scheduler_config.json…), else `fallback`. */
export function manifestNumber(manifest: Record<string, unknown> | undefined, key: string, fallback: number): number {
  const value = manifest?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export async function readJsonFile(path: string): Promise<Record<string, unknown> | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(path, 'utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `pad_token` from the tokenizer's special_tokens_map.json, else tokenizer_config.json (a string or an AddedToken object). */
export async function padTokenOf(dir: string, folder: string): Promise<string | undefined> {
  for (const file of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const pad = (await readJsonFile(join(dir, folder, file)))?.pad_token;
    if (typeof pad === 'string') return pad;
    if (pad !== null && typeof pad === 'object' && typeof (pad as { content?: unknown }).content === 'string') return (pad as { content: string }).content;
  }
  return undefined;
}

/**
 * A CLIP BPE tokenizer from `<dir>/<folder>` (vocab.json + merges.txt, or tokenizer.json),
 * padding with the folder's stated `pad_token` (SDXL's `tokenizer_2` pads with "!", not the end
 * token: the encoder was trained that way), else the end token.
 */
export async function readClipTokenizer(model: string, dir: string, folder: string, contextLength = 77): Promise<ClipTokenizer> {
  const base = join(dir, folder);
  const vocab = await readJsonFile(join(base, 'vocab.json'));
  const padToken = await padTokenOf(dir, folder);
  try {
    if (vocab) {
      const merges = await readFile(join(base, 'merges.txt'), 'utf8').catch(() => '');
      return new ClipTokenizer({ vocab: vocab as Record<string, number>, merges: merges.split('\n') }, { contextLength, padToken });
    }
    const json = await readJsonFile(join(base, 'tokenizer.json'));
    if (!json) throw new Error(`neither ${folder}/vocab.json nor ${folder}/tokenizer.json is there`);
    return ClipTokenizer.fromTokenizerJson(json, { contextLength, padToken });
  } catch (error) {
    throw new SwitchyardError('model_contract_mismatch', `model ${model}: its tokenizer in ${folder}/ could not be read (${(error as Error).message})`, { model, component: folder });
  }
}

export interface ComponentSpec {
  /** Folder in the model folder holding `model.onnx`. */
  folder: string;
  contract: ComponentContract;
  /** Absent folder is fine (answers undefined), e.g. vae_encoder for img2img. */
  optional?: boolean;
}

export interface OpenedComponents {
  sessions: Record<string, OpenedSession | undefined>;
  /** Bytes on disk of everything opened (model.onnx plus external data). */
  bytes: number;
  release(): Promise<void>;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Opens every component (all or nothing) with the configured session options. */
export async function openComponents(model: string, dir: string, specs: readonly ComponentSpec[], options: SessionOptions = {}): Promise<OpenedComponents> {
  const sessions: Record<string, OpenedSession | undefined> = {};
  const opened: OpenedSession[] = [];
  let bytes = 0;
  const release = async (): Promise<void> => {
    await Promise.allSettled(opened.map((o) => o.session.release()));
  };
  try {
    for (const spec of specs) {
      const file = join(dir, spec.folder, 'model.onnx');
      const size = await fileSize(file);
      if (size === 0 && spec.optional) {
        sessions[spec.folder] = undefined;
        continue;
      }
      const session = await openSession(model, spec.contract, file, options);
      opened.push(session);
      sessions[spec.folder] = session;
      bytes += size + (await fileSize(`${file}_data`)) + (await fileSize(`${file}.data`));
    }
  } catch (error) {
    await release();
    throw error;
  }
  return { sessions, bytes, release };
}
