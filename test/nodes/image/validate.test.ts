/**
 * What `switchyard validate` reports for the image pack before anything runs, through
 * validateWorkflow with the real pack on a real temp data folder: LoadImage values that are
 * unsafe, missing or not image data, SaveImage prefixes that would leave the output folder,
 * batches past the size limit — and that the run still checks again (files change).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SwitchyardError } from '../../../engine/nodes/index.js';
import type { Folders } from '../../../engine/nodes/index.js';
import { NodeRegistry } from '../../../engine/nodes/registry.js';
import { validateWorkflow, type ValidationResult } from '../../../engine/validate/index.js';
import corePack from '../../../nodes/core/index.js';
import imagePack from '../../../nodes/image/index.js';
import { loadImage } from '../../../nodes/image/load.js';
import { pngFromPixels, withContext } from './fixtures.js';

const registry = new NodeRegistry();
registry.addAll(imagePack.nodes, imagePack.name);
registry.addAll(corePack.nodes, corePack.name);

/** Validates LoadImage(image) → SaveImage(prefix). */
function loadAndSave(folders: Folders, image: unknown, prefix: unknown = 'out'): Promise<ValidationResult> {
  return validateWorkflow({
    schemaVersion: 1,
    nodes: {
      1: { type: 'image.load', inputs: { image } },
      2: { type: 'image.save', inputs: { images: ['1', 0], filename_prefix: prefix } },
    },
  }, registry, { folders });
}

/** The one problem of `nodeId`, which must be a custom_validation_failed on `input`. */
function onlyProblem(result: ValidationResult, nodeId: string, input: string): string {
  assert.equal(result.valid, false);
  const errors = result.nodeErrors[nodeId]?.errors ?? [];
  assert.deepEqual(errors.map((error) => [error.code, error.nodeId, error.input]), [['custom_validation_failed', nodeId, input]], JSON.stringify(result.nodeErrors));
  return errors[0]!.message;
}

test('LoadImage: a file missing from the input folder is reported at validation, blocking its output', () => withContext(async (ctx) => {
  const result = await loadAndSave(ctx.folders, 'missing.png');
  assert.equal(onlyProblem(result, '1', 'image'), 'Node 1 "Load Image" (image.load): input "image": image file "missing.png" was not found in the input folder');
  assert.deepEqual(result.nodeErrors['1']!.dependentOutputs, ['2']);
  assert.deepEqual(result.runnableOutputs, []);
  const folder = await validateWorkflow({ schemaVersion: 1, nodes: { 1: { type: 'image.load', inputs: { image: 'sub' } }, 2: { type: 'image.save', inputs: { images: ['1', 0] } } } }, registry, { folders: ctx.folders });
  assert.equal(folder.valid, false, 'a missing folder name is not found either');
  await mkdir(join(ctx.folders.input, 'sub'));
  const isFolder = await loadAndSave(ctx.folders, 'sub');
  assert.match(onlyProblem(isFolder, '1', 'image'), /input "image": "sub" is not a file/);
}));

test('LoadImage: names that would leave the input folder are reported as unsafe at validation', () => withContext(async (ctx) => {
  const cases: [string, RegExp][] = [
    ['../../etc/passwd', /image "\.\.\/\.\.\/etc\/passwd" is not a safe relative path: "\.\." would leave the folder/],
    ['sub/../../x.png', /"\.\." would leave the folder/],
    ['/etc/passwd', /absolute paths are not allowed/],
    ['C:/x.png', /absolute paths are not allowed/],
    ['a\\b.png', /contains a backslash/],
    ['evil\0.png', /contains a null byte/],
    ['a//b.png', /empty or "\." folder name/],
  ];
  for (const [name, pattern] of cases) {
    const message = onlyProblem(await loadAndSave(ctx.folders, name), '1', 'image');
    assert.match(message, /^Node 1 "Load Image" \(image\.load\): input "image": /, name);
    assert.match(message, pattern, name);
  }
  // A harmless-looking name that is a symlink out of the folder is refused too.
  await writeFile(join(ctx.root, 'outside.png'), await pngFromPixels(1, 1, 3, [0, 0, 0]));
  await symlink(join(ctx.root, 'outside.png'), join(ctx.folders.input, 'link.png'));
  assert.match(onlyProblem(await loadAndSave(ctx.folders, 'link.png'), '1', 'image'), /symlink that leads outside/);
}));

test('LoadImage: malformed base64 and data URIs are reported with the position, as at run time', () => withContext(async (ctx) => {
  const png = (await pngFromPixels(1, 1, 3, [1, 2, 3])).toString('base64');
  const prefix = 'data:image/png;base64,';
  const cases: [string, RegExp][] = [
    [png.slice(0, 17) + '!' + png.slice(18), /image is not valid base64: invalid character "!" at position 17$/],
    [prefix + png.slice(0, 3) + ' ' + png.slice(4), new RegExp(`invalid character " " at position ${prefix.length + 3}$`)],
    [prefix + png.slice(0, -1), /not a multiple of 4/],
    [prefix + 'QUJD=QUJD', /data continues after "=" padding at position 27/],
    ['data:text/plain;base64,' + png, /declares "text\/plain", not an image\/\* type/],
    ['data:image/png,' + png, /must be base64-encoded/],
    [prefix, /the data is empty/],
    [Buffer.from('plain words, clean base64, yet not any kind of picture').toString('base64'), /decoded data is not an image \(unknown format\)/],
  ];
  for (const [value, pattern] of cases) {
    const message = onlyProblem(await loadAndSave(ctx.folders, value), '1', 'image');
    assert.match(message, /^Node 1 "Load Image" \(image\.load\): input "image": /);
    assert.match(message, pattern, value.slice(0, 40));
    // The run-time error says the same thing.
    await assert.rejects(async () => loadImage.run({ image: value }, ctx), (error: unknown) => error instanceof SwitchyardError && message.endsWith(error.message));
  }
}));

test('LoadImage: a file that does not start like an image is reported; an empty value too', () => withContext(async (ctx) => {
  await writeFile(join(ctx.folders.input, 'notes.png'), 'these are notes, not a PNG');
  assert.match(onlyProblem(await loadAndSave(ctx.folders, 'notes.png'), '1', 'image'), /input "image": image file "notes.png" is not an image \(unknown format\)$/);
  await writeFile(join(ctx.folders.input, 'empty.png'), '');
  assert.match(onlyProblem(await loadAndSave(ctx.folders, 'empty.png'), '1', 'image'), /"empty.png" is not an image/);
  assert.match(onlyProblem(await loadAndSave(ctx.folders, ''), '1', 'image'), /input "image": image must name a file in the input folder or hold base64 image data/);
}));

test('LoadImage: existing files (also in subfolders), base64 and data URIs of images validate', () => withContext(async (ctx) => {
  const png = await pngFromPixels(2, 1, 3, [255, 0, 0, 0, 255, 0]);
  await mkdir(join(ctx.folders.input, 'sub', 'deeper'), { recursive: true });
  await writeFile(join(ctx.folders.input, 'cat.png'), png);
  await writeFile(join(ctx.folders.input, 'sub', 'deeper', 'dog.png'), png);
  await symlink(join(ctx.folders.input, 'cat.png'), join(ctx.folders.input, 'alias.png'));
  for (const value of ['cat.png', 'sub/deeper/dog.png', 'alias.png', png.toString('base64'), `data:image/png;base64,${png.toString('base64')}`]) {
    const result = await loadAndSave(ctx.folders, value);
    assert.equal(result.valid, true, `${value.slice(0, 30)}: ${JSON.stringify(result.nodeErrors)}`);
    assert.deepEqual(result.nodeErrors, {});
  }
}));

test('LoadImage: a linked value is not checked at validation, only when the run gets it', () => withContext(async (ctx) => {
  const result = await validateWorkflow({
    schemaVersion: 1,
    nodes: {
      name: { type: 'core.string', inputs: { value: '../../etc/passwd' } },
      1: { type: 'image.load', inputs: { image: ['name', 0] } },
      2: { type: 'image.save', inputs: { images: ['1', 0] } },
    },
  }, registry, { folders: ctx.folders });
  assert.equal(result.valid, true, JSON.stringify(result.nodeErrors));
  await assert.rejects(async () => loadImage.run({ image: '../../etc/passwd' }, ctx), { code: 'unsafe_path' });
}));

test('LoadImage: the run checks again, since files can change after validation', () => withContext(async (ctx) => {
  await writeFile(join(ctx.folders.input, 'cat.png'), await pngFromPixels(1, 1, 3, [1, 2, 3]));
  assert.equal((await loadAndSave(ctx.folders, 'cat.png')).valid, true);
  await rm(join(ctx.folders.input, 'cat.png'));
  await assert.rejects(async () => loadImage.run({ image: 'cat.png' }, ctx), { code: 'not_found' });
  // Swapped for a symlink leading out of the folder between validation and run.
  await writeFile(join(ctx.root, 'secret.png'), await pngFromPixels(1, 1, 3, [9, 9, 9]));
  await symlink(join(ctx.root, 'secret.png'), join(ctx.folders.input, 'cat.png'));
  await assert.rejects(async () => loadImage.run({ image: 'cat.png' }, ctx), { code: 'unsafe_path' });
}));

test('SaveImage: prefixes that would leave the output folder are reported at validation, creating nothing', () => withContext(async (ctx) => {
  await writeFile(join(ctx.folders.input, 'cat.png'), await pngFromPixels(1, 1, 3, [1, 2, 3]));
  const cases: [string, RegExp][] = [
    ['../x', /filename_prefix "\.\.\/x" is not a safe relative path: "\.\." would leave the folder$/],
    ['a/../../x', /"\.\." would leave the folder/],
    ['/tmp/abs', /absolute paths are not allowed/],
    ['a\\b', /contains a backslash/],
    ['bad\0name', /contains a null byte/],
    ['./x', /empty or "\." folder name/],
    ['  ', /filename_prefix must not be empty$/],
    ['x'.repeat(300), /the file name part is 300 bytes, more than 200$/],
  ];
  for (const [prefix, pattern] of cases) {
    const message = onlyProblem(await loadAndSave(ctx.folders, 'cat.png', prefix), '2', 'filename_prefix');
    assert.match(message, /^Node 2 "Save Image" \(image\.save\): input "filename_prefix": /);
    assert.match(message, pattern, prefix);
  }
  // Existing subfolders are looked at: a symlink out of the folder, or a file in the way.
  await mkdir(join(ctx.root, 'elsewhere'));
  await symlink(join(ctx.root, 'elsewhere'), join(ctx.folders.output, 'linked'));
  assert.match(onlyProblem(await loadAndSave(ctx.folders, 'cat.png', 'linked/new/img'), '2', 'filename_prefix'), /a folder in it is a symlink that leads outside the folder/);
  await writeFile(join(ctx.folders.output, 'file'), 'x');
  assert.match(onlyProblem(await loadAndSave(ctx.folders, 'cat.png', 'file/img'), '2', 'filename_prefix'), /"file" is a file, not a folder/);
  // Subfolders that do not exist yet are fine, and validation does not create them.
  const fresh = await loadAndSave(ctx.folders, 'cat.png', 'portraits/2024/test');
  assert.equal(fresh.valid, true, JSON.stringify(fresh.nodeErrors));
  assert.deepEqual((await readdir(ctx.folders.output)).sort(), ['file', 'linked']);
  assert.deepEqual(await readdir(join(ctx.root, 'elsewhere')), []);
}));

test('EmptyImage: a batch past the memory limit is reported at validation; one within it passes', () => withContext(async (ctx) => {
  const empty = (batch: number) => validateWorkflow({
    schemaVersion: 1,
    nodes: {
      1: { type: 'image.empty', inputs: { width: 16384, height: 16384, batch_size: batch } },
      2: { type: 'image.preview', inputs: { images: ['1', 0] } },
    },
  }, registry, { folders: ctx.folders });
  const tooBig = await empty(4);
  assert.equal(tooBig.valid, false);
  const [problem] = tooBig.nodeErrors['1']!.errors;
  assert.equal(problem!.code, 'custom_validation_failed');
  assert.match(problem!.message, /^Node 1 "Empty Image" \(image\.empty\): an empty image of 16384x16384, batch of 4: 3221225472 values is more than the limit of 1073741824/);
  assert.equal((await empty(1)).valid, true);
}));

test('many LoadImage nodes are all checked, each problem reported on its own node', () => withContext(async (ctx) => {
  await writeFile(join(ctx.folders.input, 'cat.png'), await pngFromPixels(1, 1, 3, [1, 2, 3]));
  const nodes: Record<string, { type: string; inputs: Record<string, unknown> }> = {};
  for (let i = 0; i < 300; i++) {
    nodes[`load${i}`] = { type: 'image.load', inputs: { image: i % 3 === 0 ? `missing${i}.png` : 'cat.png' } };
    nodes[`save${i}`] = { type: 'image.save', inputs: { images: [`load${i}`, 0], filename_prefix: i % 5 === 0 ? '../up' : 'ok' } };
  }
  const result = await validateWorkflow({ schemaVersion: 1, nodes }, registry, { folders: ctx.folders });
  const failing = Object.keys(result.nodeErrors).sort();
  const expected = [
    ...Array.from({ length: 100 }, (_, k) => `load${k * 3}`),
    ...Array.from({ length: 60 }, (_, k) => `save${k * 5}`),
  ].sort();
  assert.deepEqual(failing, expected);
  assert.match(result.nodeErrors['load42']!.errors[0]!.message, /"missing42.png" was not found/);
  assert.equal(result.runnableOutputs.length, 300 - 100 - 60 + 20, 'outputs with neither problem stay runnable');
}));
