/**
 * Writing a batch of images as numbered PNG files the way ComfyUI names them
 * (`<prefix>_00001_.png`, counting on past the highest existing number). Each file is created
 * with an exclusive open (`wx`) and the next number is tried on a clash, so concurrent saves
 * with the same prefix never overwrite each other.
 */
import { open, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchyardError } from '../../engine/nodes/index.js';
import type { FileRef, ImageValue, RunWorkflowInfo } from '../../engine/nodes/index.js';
import { ensureFolderInside } from './paths.js';
import { filenamePrefixParts } from './prefix.js';
import { asciiJson, insertPngText } from './png-text.js';
import { encodePng } from './sharp-io.js';

export interface WriteImagesOptions {
  /** The data folder written into (outputs or temp). */
  folder: string;
  type: FileRef['type'];
  /** File name prefix, may start with subfolders ("portraits/test"). */
  prefix: string;
  /** PNG zlib level 0–9. */
  compressionLevel: number;
  /** Text chunks to embed in every file. */
  text: Readonly<Record<string, string>>;
  throwIfAborted?: () => void;
}

/** Most numbers tried past a clash before giving up (only reachable with a pathological folder). */
const MAX_ATTEMPTS = 100_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One past the highest `<base>_NNNNN_.png` number in `dir` (1 when there is none). */
async function nextCounter(dir: string, base: string): Promise<number> {
  const pattern = new RegExp(`^${escapeRegExp(base)}_(\\d+)_\\.png$`);
  let highest = 0;
  for (const name of await readdir(dir)) {
    const match = pattern.exec(name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

/** Creates `<base>_<n>_.png` with the first free n ≥ `counter`; returns the name and n used. */
async function writeExclusive(dir: string, base: string, counter: number, bytes: Buffer): Promise<{ name: string; counter: number }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++, counter++) {
    const name = `${base}_${String(counter).padStart(5, '0')}_.png`;
    const path = join(dir, name);
    let handle;
    try {
      handle = await open(path, 'wx');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    try {
      await handle.writeFile(bytes);
    } catch (error) {
      await handle.close();
      await unlink(path).catch(() => undefined);
      throw error;
    }
    await handle.close();
    return { name, counter };
  }
  throw new SwitchyardError('internal', `no free file name for prefix "${base}" after ${MAX_ATTEMPTS} attempts`, { prefix: base });
}

/** Writes every frame of `image`; returns the files as ComfyUI clients address them. */
export async function writeImageFiles(image: ImageValue, options: WriteImagesOptions): Promise<FileRef[]> {
  // Checked again here although validation did: the output folder may have changed since.
  const { subfolders, base } = filenamePrefixParts(options.prefix);
  const dir = await ensureFolderInside(options.folder, subfolders, options.prefix, 'filename_prefix');
  let counter = await nextCounter(dir, base);
  const files: FileRef[] = [];
  for (let index = 0; index < image.count; index++) {
    options.throwIfAborted?.();
    const png = insertPngText(await encodePng(image, index, options.compressionLevel), options.text);
    const written = await writeExclusive(dir, base, counter, png);
    files.push({ filename: written.name, subfolder: subfolders.join('/'), type: options.type });
    counter = written.counter + 1;
  }
  return files;
}

/** The text chunks ComfyUI embeds: `prompt` (the API workflow) and `workflow` (the saved one). */
export function workflowText(info: RunWorkflowInfo): Record<string, string> {
  const text: Record<string, string> = {};
  if (info.prompt !== undefined) text.prompt = asciiJson(info.prompt);
  if (info.workflow !== undefined) text.workflow = asciiJson(info.workflow);
  return text;
}
