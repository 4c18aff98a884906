/**
 * `diffusion.text_to_image` through the engine, as a workflow runs it: on a fresh data folder
 * the demo model appears on first use and the image is saved; the same seed on another engine
 * gives the same pixels; the model is loaded once by the engine's model manager and shared;
 * progress comes per step; an unknown model is refused before anything runs; an abort
 * interrupts between steps.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createEngine, type Engine } from '../../../../engine/runtime/engine.js';
import { createLogger } from '../../../../engine/log/logger.js';
import type { RunEvent } from '../../../../engine/execute/events.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-t2i-'));
after(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const fresh = (): Promise<Engine> => createEngine({ dataDir: join(root, `data-${++count}`), log: createLogger({ level: 'silent' }), packsDirs: [], nodeModulesDirs: [] });

function workflow(inputs: Record<string, unknown> = {}): unknown {
  return {
    schemaVersion: 1,
    nodes: {
      '1': { type: 'diffusion.text_to_image', inputs: { model: 'demo-sd15', prompt: 'a red barn', width: 64, height: 64, steps: 6, cfg: 7.5, seed: 0, ...inputs } },
      '2': { type: 'image.save', inputs: { images: ['1', 0], filename_prefix: 't2i' } },
    },
  };
}

async function savedPixels(engine: Engine, wf: unknown, events?: RunEvent[]): Promise<Buffer> {
  const outcome = await engine.run(wf, { onEvent: (e) => events?.push(e) });
  assert.equal(outcome.kind, 'ran', JSON.stringify(outcome.kind === 'invalid' ? outcome.check.nodeErrors : {}));
  assert.equal(outcome.kind === 'ran' && outcome.result.status, 'success', JSON.stringify(outcome.kind === 'ran' ? outcome.result.errors : {}));
  const file = (outcome as { result: { outputs: Record<string, { images?: { filename: string; subfolder: string }[] }> } }).result.outputs['2']!.images![0]!;
  return sharp(join(engine.folders.output, file.subfolder, file.filename)).raw().toBuffer();
}

test('on a fresh data folder the demo appears on first use, the image is saved, and progress comes per step', async () => {
  const engine = await fresh();
  const events: RunEvent[] = [];
  const pixels = await savedPixels(engine, workflow(), events);
  assert.equal(pixels.length, 64 * 64 * 3);
  const progress = events.filter((e) => e.type === 'progress').map((e) => (e as { done: number }).done);
  assert.deepEqual(progress, [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(engine.models.list().map((m) => m.id), ['demo-sd15']);
});

test('the same seed gives the same pixels on another engine; the model is loaded once per engine', async () => {
  const a = await fresh();
  const b = await fresh();
  const first = await savedPixels(a, workflow({ seed: 77 }));
  const second = await savedPixels(b, workflow({ seed: 77 }));
  assert.ok(first.equals(second));
  let loads = 0;
  a.models.on((event) => {
    if (event.type === 'model_loaded') loads++;
  });
  const other = await savedPixels(a, workflow({ seed: 78, prompt: 'a blue lake' }));
  assert.ok(!other.equals(first));
  assert.equal(loads, 0, 'the loaded model was reused');
});

test('an unknown model is refused before anything runs; an abort interrupts between steps', async () => {
  const engine = await fresh();
  const refused = await engine.run(workflow({ model: '../../etc' }));
  assert.equal(refused.kind, 'invalid');
  const controller = new AbortController();
  const run = engine.run(workflow({ steps: 150, width: 256, height: 256 }), {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'progress' && (e as { done: number }).done === 2) controller.abort();
    },
  });
  const outcome = await run;
  assert.equal(outcome.kind === 'ran' && outcome.result.status, 'interrupted');
});
