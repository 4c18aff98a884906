/**
 * Writes the diffusion pack's demo models into the models folder (`<data>/models`, the data
 * folder from SWITCHYARD_DATA or `./data`): one stand-in per family (`demo-sd15`, …). The set-up step runs every
 * pack's `demo/generate.js --if-missing`, so `npm start` and `npm test` always have them; a
 * model folder appears whole or not at all (written beside, then renamed into place).
 *
 *   node dist/nodes/diffusion/demo/generate.js [--if-missing] [--models <dir>]
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Family } from '../model/types.js';
import { fluxStandIn } from './flux.js';
import { sd15StandIn, type StandInFiles } from './sd15.js';
import { sd3StandIn } from './sd3.js';
import { sdxlStandIn } from './sdxl.js';

export interface DemoModel {
  family: Family;
  build: () => StandInFiles;
}

/** Every demo stand-in by the name loader nodes offer it under. */
export const DEMO_MODELS: Readonly<Record<string, DemoModel>> = {
  'demo-flux': { family: 'flux', build: () => fluxStandIn() },
  'demo-sd15': { family: 'sd15', build: () => sd15StandIn() },
  'demo-sd3': { family: 'sd3', build: () => sd3StandIn() },
  'demo-sdxl': { family: 'sdxl', build: () => sdxlStandIn() },
};

export interface GenerateOptions {
  /** Leave a model whose manifest is already there (default false: rewrite). */
  ifMissing?: boolean;
  /** Only these demo names (default: all). */
  only?: readonly string[];
}

/** Writes every demo model; answers the names written (skipped ones left out). */
export async function generateDemoModels(modelsDir: string, options: GenerateOptions = {}): Promise<string[]> {
  const written: string[] = [];
  await mkdir(modelsDir, { recursive: true });
  for (const [name, demo] of Object.entries(DEMO_MODELS)) {
    if (options.only && !options.only.includes(name)) continue;
    const target = join(modelsDir, name);
    if (options.ifMissing && existsSync(join(target, 'manifest.json'))) continue;
    const staging = `${target}.partial-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    for (const [path, content] of Object.entries(demo.build().files)) {
      const file = join(staging, path);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, content);
    }
    await rm(target, { recursive: true, force: true });
    await rename(staging, target);
    written.push(name);
  }
  return written;
}

async function main(argv: string[]): Promise<number> {
  let ifMissing = false;
  let modelsDir = join(process.env.SWITCHYARD_DATA || 'data', 'models');
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--if-missing') ifMissing = true;
    else if (argv[i] === '--models' && argv[i + 1]) modelsDir = argv[++i]!;
    else {
      process.stderr.write(`usage: generate.js [--if-missing] [--models <dir>] (unknown argument ${JSON.stringify(argv[i])})\n`);
      return 2;
    }
  }
  const written = await generateDemoModels(resolve(modelsDir), { ifMissing });
  if (written.length > 0) process.stdout.write(`[setup] demo models written to ${resolve(modelsDir)}: ${written.join(', ')}\n`);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`generate.js: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
