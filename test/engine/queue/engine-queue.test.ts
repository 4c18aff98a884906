/**
 * The queue over the assembled engine (real built-in packs, real files): a checked workflow
 * submitted to the queue runs through `engine.executor`, and its record keeps the outputs —
 * texts and the files written into the data folder — across a restart.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createEngine } from '../../../engine/runtime/engine.js';
import { createLogger } from '../../../engine/log/logger.js';
import { openRunStore } from '../../../engine/store/run-store.js';
import { createLocalQueue } from '../../../engine/queue/local-queue.js';
import { executeWithExecutor } from '../../../engine/queue/execute-with-executor.js';
import { repoRoot } from '../../helpers/repo.js';
import { tempDataDir, finishedRun } from './queue-harness.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

test('outputs are recorded with their files and survive a restart', async () => {
  const { dir, dispose } = await tempDataDir();
  cleanups.push(dispose);
  const log = createLogger({ level: 'silent' });
  const engine = await createEngine({ dataDir: dir, log, packsDirs: [], nodeModulesDirs: [] });

  const textMath = await engine.check(JSON.parse(await readFile(join(repoRoot, 'workflows', 'basics', 'text-math.json'), 'utf8')));
  const image = await engine.check({
    '1': { class_type: 'EmptyImage', inputs: { width: 8, height: 6, batch_size: 1, color: 0x00ff00 } },
    '2': { class_type: 'SaveImage', inputs: { images: ['1', 0], filename_prefix: 'queue/check' } },
  });
  assert.ok(textMath.valid && textMath.workflow && image.valid && image.workflow, 'both workflows are valid');

  const store = await openRunStore({ dataDir: dir, log });
  const queue = createLocalQueue({ store, execute: executeWithExecutor(engine.executor), log });
  const text = await queue.submit({ workflow: textMath.workflow });
  const saved = await queue.submit({ workflow: image.workflow });
  await queue.start();
  const textRecord = await finishedRun(queue, text.id);
  const imageRecord = await finishedRun(queue, saved.id);
  await queue.close();

  assert.equal(textRecord.status, 'success');
  assert.deepEqual(textRecord.outputs['7']?.text, ['6 x 7 = 42 cells; a row is 15 long']);
  assert.equal(imageRecord.status, 'success');
  const files = imageRecord.outputs['2']?.images ?? [];
  assert.equal(files.length, 1);
  assert.equal(files[0]!.type, 'output');
  assert.equal(files[0]!.subfolder, 'queue');
  assert.ok((await stat(join(engine.folders.output, files[0]!.subfolder, files[0]!.filename))).size > 0, 'the recorded file exists');

  const reopened = await openRunStore({ dataDir: dir, log });
  assert.deepEqual(reopened.get(saved.id)?.outputs, imageRecord.outputs);
  assert.deepEqual(reopened.get(text.id)?.outputs, textRecord.outputs);
  await reopened.close();
});
