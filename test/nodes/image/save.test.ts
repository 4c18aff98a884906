/**
 * image.save and image.preview on real folders: ComfyUI-style numbering, subfolders, concurrent
 * saves without collisions, the embedded workflow read back with readPngText, the pixels read
 * back with image.load, and unsafe prefixes refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchyardError } from '../../../engine/nodes/index.js';
import { saveImage } from '../../../nodes/image/save.js';
import { previewImage } from '../../../nodes/image/preview.js';
import { loadImageSource } from '../../../nodes/image/load.js';
import { readPngText } from '../../../nodes/image/png-text.js';
import { assertClose, gradientImage, solidImage, uiImages, withContext } from './fixtures.js';

test('saves as <prefix>_00001_.png with ui.images, and counts on past the highest existing number', () => withContext(async (ctx) => {
  const first = await saveImage.run({ images: solidImage(2, 2, [1, 0, 0]), filename_prefix: 'Switchyard' }, ctx);
  assert.deepEqual(first, { ui: { images: [{ filename: 'Switchyard_00001_.png', subfolder: '', type: 'output' }] } });
  await writeFile(join(ctx.folders.output, 'Switchyard_00041_.png'), 'placeholder');
  await writeFile(join(ctx.folders.output, 'Switchyard_extra_00099_.png'), 'other prefix');
  const batch = await saveImage.run({ images: solidImage(2, 2, [0, 1, 0], 3), filename_prefix: 'Switchyard' }, ctx);
  assert.deepEqual(uiImages(batch).map((file) => file.filename), ['Switchyard_00042_.png', 'Switchyard_00043_.png', 'Switchyard_00044_.png']);
  assert.equal(saveImage.output, true);
  assert.deepEqual(saveImage.widgetNames, ['filename_prefix']);
  assert.equal((saveImage.inputs.filename_prefix as { default?: string }).default, 'Switchyard');
  assert.deepEqual(saveImage.aliasList, [{ type: 'SaveImage' }]);
}));

test('a prefix with folders saves into that subfolder of the output folder', () => withContext(async (ctx) => {
  const result = await saveImage.run({ images: solidImage(1, 1, [0, 0, 1]), filename_prefix: 'portraits/2024/test' }, ctx);
  assert.deepEqual(uiImages(result), [{ filename: 'test_00001_.png', subfolder: 'portraits/2024', type: 'output' }]);
  assert.deepEqual(await readdir(join(ctx.folders.output, 'portraits', '2024')), ['test_00001_.png']);
}));

test('concurrent saves with the same prefix never share a file name', () => withContext(async (ctx) => {
  const saves = await Promise.all(Array.from({ length: 8 }, (_, i) => saveImage.run({ images: solidImage(3, 3, [i / 8, 0, 0], 2), filename_prefix: 'race/shot' }, ctx)));
  const names = saves.flatMap((result) => uiImages(result).map((file) => file.filename));
  assert.equal(names.length, 16);
  assert.equal(new Set(names).size, 16);
  assert.deepEqual((await readdir(join(ctx.folders.output, 'race'))).sort(), Array.from({ length: 16 }, (_, i) => `shot_${String(i + 1).padStart(5, '0')}_.png`));
}));

test('the workflow is embedded as PNG text (prompt, workflow) and the pixels survive a load', () => {
  const prompt = { schemaVersion: 1, nodes: { '1': { type: 'image.empty', inputs: { width: 4 } }, '2': { type: 'core.string', inputs: { value: 'ein Bär 🐻' } } } };
  const workflow = { version: 0.4, nodes: [{ id: 1, type: 'EmptyImage' }], links: [] };
  return withContext(async (ctx) => {
    const image = gradientImage(5, 3);
    const result = await saveImage.run({ images: image, filename_prefix: 'meta' }, ctx);
    const file = await readFile(join(ctx.folders.output, uiImages(result)[0]!.filename));
    const text = readPngText(file);
    assert.deepEqual(JSON.parse(text.prompt!), prompt);
    assert.deepEqual(JSON.parse(text.workflow!), workflow);
    // Non-ASCII is escaped, as ComfyUI's json.dumps writes it, so the chunk is plain tEXt.
    assert.match(text.prompt!, /ein B\\u00e4r \\ud83d\\udc3b/);
    const loaded = await loadImageSource('meta_00001_.png', { ...ctx.folders, input: ctx.folders.output });
    assertClose(loaded.image.data, image.data, 0.5 / 255 + 1e-6);
  }, { workflow: { prompt, workflow } });
});

test('without a saved workflow only the prompt is embedded', () => withContext(async (ctx) => {
  const result = await saveImage.run({ images: solidImage(1, 1, [0, 0, 0]), filename_prefix: 'api' }, ctx);
  const text = readPngText(await readFile(join(ctx.folders.output, uiImages(result)[0]!.filename)));
  assert.deepEqual(Object.keys(text), ['prompt']);
}));

test('prefixes that would write outside the output folder are unsafe_path errors and write nothing', () => withContext(async (ctx) => {
  for (const prefix of ['../escape', 'a/../../escape', '/tmp/abs', 'a\\b', 'bad\0name', 'a//b', './x']) {
    await assert.rejects(
      async () => saveImage.run({ images: solidImage(1, 1, [0, 0, 0]), filename_prefix: prefix }, ctx),
      (error: unknown) => error instanceof SwitchyardError && error.code === 'unsafe_path' && error.message.startsWith('filename_prefix'),
      prefix,
    );
  }
  // A subfolder that is a symlink to elsewhere is refused before anything is created behind it.
  await mkdir(join(ctx.root, 'elsewhere'));
  await symlink(join(ctx.root, 'elsewhere'), join(ctx.folders.output, 'linked'));
  await assert.rejects(async () => saveImage.run({ images: solidImage(1, 1, [0, 0, 0]), filename_prefix: 'linked/new/img' }, ctx), { code: 'unsafe_path' });
  assert.deepEqual(await readdir(join(ctx.root, 'elsewhere')), []);
  assert.deepEqual(await readdir(ctx.root).then((names) => names.sort()), ['elsewhere', 'input', 'models', 'output', 'temp']);
  await assert.rejects(async () => saveImage.run({ images: solidImage(1, 1, [0, 0, 0]), filename_prefix: '  ' }, ctx), { code: 'invalid_input' });
  await assert.rejects(async () => saveImage.run({ images: solidImage(1, 1, [0, 0, 0]), filename_prefix: 'x'.repeat(300) }, ctx), { code: 'invalid_input' });
  // A prefix folder that is a file is refused too.
  await writeFile(join(ctx.folders.output, 'file'), 'x');
  await assert.rejects(async () => saveImage.run({ images: solidImage(1, 1, [0, 0, 0]), filename_prefix: 'file/img' }, ctx), { code: 'unsafe_path' });
}));

test('an interrupted save stops between images', () => withContext(async (ctx) => {
  ctx.abort();
  await assert.rejects(async () => saveImage.run({ images: solidImage(1, 1, [0, 0, 0], 2), filename_prefix: 'stop' }, ctx), { code: 'interrupted' });
  assert.deepEqual(await readdir(ctx.folders.output), []);
}));

test('preview writes PNGs into the temp folder and reports them as type temp', () => withContext(async (ctx) => {
  const result = await previewImage.run({ images: solidImage(2, 1, [0.5, 0.5, 0.5], 2) }, ctx);
  const files = uiImages(result);
  assert.equal(files.length, 2);
  for (const file of files) {
    assert.equal(file.type, 'temp');
    assert.equal(file.subfolder, '');
    assert.match(file.filename, /^Switchyard_temp_[a-z]{5}_\d{5}_\.png$/);
  }
  assert.deepEqual((await readdir(ctx.folders.temp)).sort(), files.map((file) => file.filename).sort());
  assert.deepEqual(await readdir(ctx.folders.output), []);
  assert.deepEqual(previewImage.aliasList, [{ type: 'PreviewImage' }]);
  assert.deepEqual(previewImage.widgetNames, []);
  assert.equal(previewImage.output, true);
}));
