/**
 * The data folder: where the store, inputs, outputs, temp files and models live. Chosen by
 * `--data`, else `SWITCHYARD_DATA`, else `./data`; created on first use.
 */
import { mkdir, access, constants } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import { SwitchyardError } from '../errors.js';
import type { Folders } from '../nodes/context.js';

export interface DataFolders extends Folders {
  root: string;
  /** Community packs dropped in as folders. */
  packs: string;
}

export function resolveDataDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(option ?? env.SWITCHYARD_DATA ?? 'data');
}

export async function prepareDataFolders(dataDir: string): Promise<DataFolders> {
  const folders: DataFolders = {
    root: dataDir,
    input: join(dataDir, 'input'),
    output: join(dataDir, 'output'),
    temp: join(dataDir, 'temp'),
    models: join(dataDir, 'models'),
    packs: join(dataDir, 'packs'),
  };
  try {
    for (const dir of [folders.input, folders.output, folders.temp, folders.models, folders.packs]) await mkdir(dir, { recursive: true });
    await access(dataDir, constants.W_OK);
  } catch (error) {
    throw new SwitchyardError('usage', `data folder ${dataDir} is not usable: ${(error as Error).message}`, { dataDir }, { cause: error });
  }
  return folders;
}
