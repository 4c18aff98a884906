/**
 * One demo stand-in for a test file: generated into a temp models folder and loaded before the
 * file's tests, released and removed after them. Answers the models folder (tests that copy or
 * damage a model work next to it).
 */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemoModels } from '../../../nodes/diffusion/demo/generate.js';
import { loadDiffusionModel } from '../../../nodes/diffusion/model/load.js';
import type { DiffusionRuntime } from '../../../nodes/diffusion/model/types.js';

export function useDemoModel(id: string, onLoaded: (model: DiffusionRuntime) => void): string {
  const root = mkdtempSync(join(tmpdir(), `switchyard-${id}-`));
  let release: (() => Promise<void>) | undefined;
  before(async () => {
    await generateDemoModels(root, { only: [id] });
    const loaded = await loadDiffusionModel(root, id);
    release = loaded.release;
    onLoaded(loaded.value);
  });
  after(async () => {
    await release?.();
    rmSync(root, { recursive: true, force: true });
  });
  return root;
}
