/**
 * The assembled engine end to end, as a user meets it through `engine.run`: real built-in packs
 * (core, image), real files in a temporary data folder. ComfyUI prompts and saved editor files
 * run as they are; re-runs and edits are served from the shared cache exactly as far as
 * nothing changed; bad overrides and unknown node types are refused before anything runs; a
 * failing node costs only its own branch; an abort interrupts; saved PNGs carry the workflow.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createEngine, type Engine, type EngineRunResult } from '../../../engine/runtime/engine.js';
import { createLogger } from '../../../engine/log/logger.js';
import type { RunResult } from '../../../engine/execute/executor.js';
import type { RunEvent } from '../../../engine/execute/events.js';
import type { FileRef, UiResult } from '../../../engine/nodes/values.js';
import { readPngText } from '../../../nodes/image/png-text.js';
import { repoRoot } from '../../helpers/repo.js';

const root = mkdtempSync(join(tmpdir(), 'switchyard-engine-'));
after(() => rmSync(root, { recursive: true, force: true }));
const log = createLogger({ level: 'silent' });
let engines = 0;

/** A fresh engine (own data folder, own cache) with only the built-in packs. */
function freshEngine(): Promise<Engine> {
  engines += 1;
  return createEngine({ dataDir: join(root, `data-${engines}`), log, packsDirs: [], nodeModulesDirs: [] });
}

const SAVED_FILE = join(repoRoot, 'workflows', 'basics', 'comfyui-image-chain.json');

/** A new copy each time, so no test can change what another reads. */
function comfySaved(): Record<string, unknown> & { nodes: { id: number; type: string; mode: number }[] } {
  return JSON.parse(readFileSync(SAVED_FILE, 'utf8')) as Record<string, unknown> & { nodes: { id: number; type: string; mode: number }[] };
}

/** A ComfyUI API-format prompt as its "Save (API)" writes it. */
function comfyPrompt(prefix = 'api/run'): Record<string, unknown> {
  return {
    '1': { class_type: 'EmptyImage', inputs: { width: 64, height: 48, batch_size: 2, color: 0xff0000 }, _meta: { title: 'Canvas' } },
    '2': { class_type: 'ImageScale', inputs: { image: ['1', 0], upscale_method: 'nearest-exact', width: 32, height: 24, crop: 'disabled' }, _meta: { title: 'Upscale Image' } },
    '3': { class_type: 'ImageBlur', inputs: { image: ['2', 0], blur_radius: 2, sigma: 1.0 }, _meta: { title: 'Image Blur' } },
    '4': { class_type: 'ImageInvert', inputs: { image: ['3', 0] }, _meta: { title: 'Invert Image' } },
    '5': { class_type: 'SaveImage', inputs: { images: ['4', 0], filename_prefix: prefix }, _meta: { title: 'Save Image' } },
  };
}

function ran(outcome: EngineRunResult): RunResult {
  assert.equal(outcome.kind, 'ran', `expected the workflow to run; check said ${JSON.stringify(outcome.check.errors)} ${JSON.stringify(outcome.check.nodeErrors)}`);
  return (outcome as Extract<EngineRunResult, { kind: 'ran' }>).result;
}

function sorted(ids: readonly string[]): string[] {
  return [...ids].sort();
}

function imagesOf(ui: UiResult | undefined): FileRef[] {
  const images = (ui as { images?: FileRef[] } | undefined)?.images;
  assert.ok(Array.isArray(images), `expected ui.images, got ${JSON.stringify(ui)}`);
  return images;
}

function pathOf(engine: Engine, file: FileRef): string {
  const folder = file.type === 'output' ? engine.folders.output : file.type === 'temp' ? engine.folders.temp : engine.folders.input;
  return join(folder, file.subfolder, file.filename);
}

/** Every file under a folder, as sorted relative paths. */
async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(folder.length + 1)).sort();
}

async function pixel(path: string, x: number, y: number): Promise<{ width: number; height: number; rgb: number[] }> {
  const { data, info } = await sharp(path).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return { width: info.width, height: info.height, rgb: [data[at]!, data[at + 1]!, data[at + 2]!] };
}

test('a ComfyUI API-format prompt (class_type, _meta) runs with the built-in packs and saves every image of the batch', async () => {
  const engine = await freshEngine();
  const outcome = await engine.run(comfyPrompt());
  const result = ran(outcome);
  assert.equal(outcome.check.format, 'api');
  assert.equal(result.status, 'success');
  assert.deepEqual(sorted(result.executed), ['1', '2', '3', '4', '5']);
  assert.deepEqual(result.errors, []);
  const images = imagesOf(result.outputs['5']);
  assert.deepEqual(images, [
    { filename: 'run_00001_.png', subfolder: 'api', type: 'output' },
    { filename: 'run_00002_.png', subfolder: 'api', type: 'output' },
  ]);
  assert.deepEqual(await filesUnder(engine.folders.output), ['api/run_00001_.png', 'api/run_00002_.png']);
  // Red canvas, scaled to 32x24, blurred (a solid colour stays solid), inverted: cyan.
  const { width, height, rgb } = await pixel(pathOf(engine, images[0]!), 16, 12);
  assert.deepEqual({ width, height, rgb }, { width: 32, height: 24, rgb: [0, 255, 255] });
});

test('the ComfyUI saved (UI) file runs as is: Reroute followed, bypassed crop passed through, muted save and Note left out', async () => {
  const engine = await freshEngine();
  const outcome = await engine.run(comfySaved());
  const result = ran(outcome);
  assert.equal(outcome.check.format, 'saved');
  assert.equal(result.status, 'success');
  assert.deepEqual(sorted(result.executed), ['1', '2', '3', '4', '5', '7']);
  assert.deepEqual(sorted(Object.keys(result.outputs)), ['5', '7']);
  const [saved] = imagesOf(result.outputs['5']);
  assert.deepEqual(saved, { filename: 'comfyui-image-chain_00001_.png', subfolder: 'basics', type: 'output' });
  // The muted SaveImage (node 8) wrote nothing: the output folder holds the one image.
  assert.deepEqual(await filesUnder(engine.folders.output), ['basics/comfyui-image-chain_00001_.png']);
  const main = await pixel(pathOf(engine, saved!), 10, 10);
  assert.deepEqual([main.width, main.height], [192, 128], 'ImageScale made 192x128');
  // 0x3399ff inverted is 0xcc6600.
  assert.deepEqual(main.rgb, [0xcc, 0x66, 0x00]);
  const [preview] = imagesOf(result.outputs['7']);
  assert.equal(preview!.type, 'temp');
  const shown = await pixel(pathOf(engine, preview!), 10, 10);
  assert.deepEqual([shown.width, shown.height], [192, 128], 'the bypassed 64x64 crop passed the blurred image through');
  assert.deepEqual(shown.rgb, [0x33, 0x99, 0xff], 'the preview branch is not inverted');
});

test('re-running the same workflow in the same engine runs nothing, still reports the images, and writes no new file', async () => {
  const engine = await freshEngine();
  const first = ran(await engine.run(comfySaved()));
  const events: RunEvent[] = [];
  const second = ran(await engine.run(comfySaved(), { onEvent: (event) => events.push(event) }));
  assert.equal(second.status, 'success');
  assert.deepEqual(second.executed, []);
  assert.deepEqual(sorted(second.cached), sorted(first.executed));
  // As in ComfyUI: a cached SaveImage shows the file it wrote before instead of writing a copy.
  assert.deepEqual(second.outputs, first.outputs);
  assert.deepEqual(await filesUnder(engine.folders.output), ['basics/comfyui-image-chain_00001_.png']);
  assert.equal((await filesUnder(engine.folders.temp)).length, 1, 'the cached preview still points at its one temp file');
  const replayed = events.filter((event) => event.type === 'node_output');
  assert.deepEqual(replayed.map((event) => [event.nodeId, event.cached]).sort(), [['5', true], ['7', true]]);
  assert.ok(!events.some((event) => event.type === 'node_started'), 'no node started');
  const cachedIds = events.flatMap((event) => (event.type === 'node_cached' ? event.nodeIds : []));
  assert.deepEqual(sorted(cachedIds), ['1', '2', '3', '4', '5', '7']);
  const finished = events.at(-1);
  assert.equal(finished?.type, 'run_finished');
});

test('changing one widget re-runs exactly its downstream cone; the old value is still cached afterwards', async () => {
  const engine = await freshEngine();
  ran(await engine.run(comfySaved()));

  const changed = ran(await engine.run(comfySaved(), { params: { '3.blur_radius': 5 } }));
  assert.equal(changed.status, 'success');
  // Blur (3) feeds invert (4) → save (5) and, through the bypassed crop, the preview (7).
  assert.deepEqual(sorted(changed.executed), ['3', '4', '5', '7']);
  assert.deepEqual(sorted(changed.cached), ['1', '2']);
  assert.deepEqual(imagesOf(changed.outputs['5']).map((file) => file.filename), ['comfyui-image-chain_00002_.png']);

  // A --set value arrives as text; it is coerced, so "5" is the same run as 5.
  const asText = ran(await engine.run(comfySaved(), { params: { '3.blur_radius': '5' } }));
  assert.deepEqual(asText.executed, []);

  // Going back to the file's own value finds the first results: switching does not evict them.
  const back = ran(await engine.run(comfySaved()));
  assert.deepEqual(back.executed, []);
  assert.deepEqual(imagesOf(back.outputs['5']).map((file) => file.filename), ['comfyui-image-chain_00001_.png']);
  assert.deepEqual(await filesUnder(join(engine.folders.output, 'basics')), ['comfyui-image-chain_00001_.png', 'comfyui-image-chain_00002_.png']);
});

test('the same sub-graph under other node ids, in another workflow, comes from the cache', async () => {
  const engine = await freshEngine();
  ran(await engine.run(comfySaved()));
  const other = {
    canvas: { class_type: 'EmptyImage', inputs: { width: 256, height: 256, batch_size: 1, color: 3381759 } },
    scale: { class_type: 'ImageScale', inputs: { image: ['canvas', 0], upscale_method: 'bilinear', width: 192, height: 128, crop: 'disabled' } },
    soften: { class_type: 'ImageBlur', inputs: { image: ['scale', 0], blur_radius: 4, sigma: 2.0 } },
    negative: { class_type: 'ImageInvert', inputs: { image: ['soften', 0] } },
    keep: { class_type: 'SaveImage', inputs: { images: ['negative', 0], filename_prefix: 'copies/negative' } },
  };
  const result = ran(await engine.run(other));
  assert.equal(result.status, 'success');
  assert.deepEqual(result.executed, ['keep']);
  assert.deepEqual(sorted(result.cached), ['canvas', 'negative', 'scale', 'soften']);
  assert.deepEqual(await filesUnder(join(engine.folders.output, 'copies')), ['negative_00001_.png']);
});

test('a parameter override naming a missing node, malformed, or with a bad value is refused and nothing runs', async () => {
  const engine = await freshEngine();
  const cases: { params: Record<string, unknown>; expect: (outcome: EngineRunResult) => void }[] = [
    {
      params: { '77.blur_radius': 5 },
      expect: (outcome) => {
        const problem = outcome.check.errors.find((error) => error.nodeId === '77');
        assert.equal(problem?.code, 'invalid_workflow');
        assert.match(problem!.message, /77/);
      },
    },
    {
      params: { blur_radius: 5 },
      expect: (outcome) => assert.deepEqual(outcome.check.errors.map((error) => error.code), ['invalid_workflow']),
    },
    {
      params: { '3.blur_radius': 'lots' },
      expect: (outcome) => {
        const entry = outcome.check.nodeErrors['3'];
        assert.equal(entry?.errors[0]?.code, 'invalid_input_type');
        assert.equal(entry?.errors[0]?.input, 'blur_radius');
        assert.deepEqual(sorted(entry!.dependentOutputs), ['5', '7']);
      },
    },
    {
      params: { '3.blur_radius': 32 },
      expect: (outcome) => assert.equal(outcome.check.nodeErrors['3']?.errors[0]?.code, 'value_bigger_than_max'),
    },
    {
      params: { '2.upscale_method': 'smudge' },
      expect: (outcome) => assert.equal(outcome.check.nodeErrors['2']?.errors[0]?.code, 'value_not_in_list'),
    },
  ];
  for (const { params, expect } of cases) {
    const events: RunEvent[] = [];
    const outcome = await engine.run(comfySaved(), { params, onEvent: (event) => events.push(event) });
    assert.equal(outcome.kind, 'invalid', `params ${JSON.stringify(params)} must be refused`);
    assert.equal(outcome.check.valid, false);
    assert.equal(outcome.check.workflow, undefined);
    expect(outcome);
    assert.deepEqual(events, [], `nothing ran for ${JSON.stringify(params)}`);
  }
  assert.deepEqual(await filesUnder(engine.folders.output), []);
  assert.deepEqual(await filesUnder(engine.folders.temp), []);
});

test('an override naming an input the node does not have is refused, not silently ignored', async () => {
  const engine = await freshEngine();
  const outcome = await engine.run(comfySaved(), { params: { '3.blur_radiuss': 5 } });
  assert.equal(outcome.kind, 'invalid');
  assert.ok(outcome.check.nodeErrors['3']?.errors.some((error) => error.input === 'blur_radiuss'));
});

test('node ids that name Object.prototype members ("constructor", "toString") are ordinary ids in error reports', async () => {
  const engine = await freshEngine();
  const workflow = {
    constructor: { type: 'core.int', inputs: { value: 1 } },
    toString: { type: 'core.int', inputs: { value: 'not a number' } },
  };
  // An override problem is reported before validation, on the node it names.
  const checked = await engine.check(workflow, { params: { 'constructor.valu': 3 } });
  assert.equal(checked.valid, false);
  assert.ok(Object.hasOwn(checked.nodeErrors, 'constructor'), JSON.stringify(checked));
  assert.ok(checked.nodeErrors['constructor']!.errors.length > 0);
  assert.ok(Object.hasOwn(checked.nodeErrors, 'toString'));
});

test('seed 0 through core.seed stays 0, whether written in the workflow or given as an override', async () => {
  const engine = await freshEngine();
  const workflow = (seed: number) => ({
    schemaVersion: 1,
    nodes: {
      '1': { type: 'core.seed', inputs: { seed, control: 'fixed' } },
      '2': { type: 'core.show_text', inputs: { value: ['1', 0] } },
    },
  });
  const literal = ran(await engine.run(workflow(0)));
  assert.deepEqual(literal.outputs, { '1': { seed: [0] }, '2': { text: ['0'] } });
  for (const value of [0, '0']) {
    const overridden = ran(await engine.run(workflow(5), { params: { '1.seed': value } }));
    assert.deepEqual(overridden.outputs['2'], { text: ['0'] }, `override ${JSON.stringify(value)}`);
  }
  const five = ran(await engine.run(workflow(5)));
  assert.deepEqual(five.outputs['2'], { text: ['5'] });
});

test('a node that fails at run time fails only its branch: the independent branch still saves its image', async () => {
  const engine = await freshEngine();
  // Valid base64 that starts like a PNG, so it passes validation's header check and fails on decoding.
  const notAnImage = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('these bytes are words, not the pixels of any image')]).toString('base64');
  const prompt = {
    '1': { class_type: 'LoadImage', inputs: { image: notAnImage } },
    '2': { class_type: 'ImageInvert', inputs: { image: ['1', 0] } },
    '3': { class_type: 'SaveImage', inputs: { images: ['2', 0], filename_prefix: 'broken/never' } },
    '4': { class_type: 'EmptyImage', inputs: { width: 8, height: 8, batch_size: 1, color: 0 } },
    '5': { class_type: 'SaveImage', inputs: { images: ['4', 0], filename_prefix: 'fine/kept' } },
  };
  const events: RunEvent[] = [];
  const result = ran(await engine.run(prompt, { onEvent: (event) => events.push(event) }));
  assert.equal(result.status, 'error');
  assert.deepEqual(result.errors.map((error) => [error.nodeId, error.nodeType, error.code]), [['1', 'image.load', 'invalid_image']]);
  assert.deepEqual(sorted(result.skipped), ['2', '3']);
  assert.deepEqual(sorted(result.executed), ['4', '5']);
  assert.deepEqual(Object.keys(result.outputs), ['5']);
  assert.deepEqual(await filesUnder(engine.folders.output), ['fine/kept_00001_.png']);
  const nodeError = events.find((event) => event.type === 'node_error');
  assert.equal(nodeError?.type === 'node_error' && nodeError.nodeId, '1');
  const last = events.at(-1);
  assert.equal(last?.type, 'run_failed');
  assert.deepEqual(last?.type === 'run_failed' && sorted(last.skipped), ['2', '3']);

  // A failure is not cached: the same run fails again (the good branch now comes from the cache).
  const again = ran(await engine.run(prompt));
  assert.equal(again.status, 'error');
  assert.deepEqual(sorted(again.cached), ['4', '5']);
  assert.deepEqual(again.errors.map((error) => error.code), ['invalid_image']);
});

test('aborting the signal while a run is in progress interrupts it; the next run picks up what finished', async () => {
  const engine = await freshEngine();
  const controller = new AbortController();
  const events: RunEvent[] = [];
  const interrupted = ran(await engine.run(comfySaved(), {
    signal: controller.signal,
    onEvent: (event) => {
      events.push(event);
      // Nodes 1 and 2 are done, the blur is about to start: the user presses stop.
      if (event.type === 'node_started' && event.nodeId === '3') controller.abort();
    },
  }));
  assert.equal(interrupted.status, 'interrupted');
  assert.deepEqual(sorted(interrupted.executed), ['1', '2']);
  assert.deepEqual(interrupted.outputs, {});
  const last = events.at(-1);
  assert.equal(last?.type, 'run_interrupted');
  assert.deepEqual(last?.type === 'run_interrupted' && sorted(last.finished), ['1', '2']);
  assert.ok(!events.some((event) => event.type === 'node_output' && event.nodeId !== '1' && event.nodeId !== '2'), 'no node after node 2 finished');
  assert.deepEqual(await filesUnder(engine.folders.output), []);

  const resumed = ran(await engine.run(comfySaved()));
  assert.equal(resumed.status, 'success');
  assert.deepEqual(sorted(resumed.cached), ['1', '2']);
  assert.deepEqual(sorted(resumed.executed), ['3', '4', '5', '7']);

  // A signal aborted before the run starts runs nothing at all.
  const early = ran(await engine.run(comfyPrompt('never/run'), { signal: AbortSignal.abort() }));
  assert.equal(early.status, 'interrupted');
  assert.deepEqual(early.executed, []);
  assert.deepEqual(await filesUnder(engine.folders.output), ['basics/comfyui-image-chain_00001_.png']);
});

test('the PNG SaveImage writes carries the prompt, and the editor workflow for saved-format runs and /prompt bodies', async () => {
  const engine = await freshEngine();
  const file = comfySaved();
  const fromSaved = ran(await engine.run(file, { params: { '3.blur_radius': 6 } }));
  const savedText = readPngText(readFileSync(pathOf(engine, imagesOf(fromSaved.outputs['5'])[0]!)));
  assert.deepEqual(JSON.parse(savedText.workflow!), file, 'the editor file, as loaded, so dragging the PNG back restores it');
  const prompt = JSON.parse(savedText.prompt!) as Record<string, { type: string; inputs: Record<string, unknown> }>;
  // The prompt is what actually ran: the override applied, the muted node, Note and Reroute gone.
  assert.deepEqual(prompt['3'], { type: 'image.blur', inputs: { image: ['2', 0], blur_radius: 6, sigma: 2 } });
  assert.deepEqual(prompt['5']!.inputs.images, ['4', 0]);
  assert.deepEqual(sorted(Object.keys(prompt)), ['1', '2', '3', '4', '5', '7']);

  const fromApi = ran(await engine.run(comfyPrompt('api/plain')));
  const apiText = readPngText(readFileSync(pathOf(engine, imagesOf(fromApi.outputs['5'])[0]!)));
  assert.equal(apiText.workflow, undefined, 'an API prompt has no editor workflow to embed');
  assert.equal((JSON.parse(apiText.prompt!) as Record<string, { inputs: Record<string, unknown> }>)['5']!.inputs.filename_prefix, 'api/plain');

  // A ComfyUI POST /prompt body carries the editor workflow in extra_data.extra_pnginfo.
  const body = { prompt: comfyPrompt('api/body'), client_id: 'test', extra_data: { extra_pnginfo: { workflow: file } } };
  const fromBody = ran(await engine.run(body));
  const bodyText = readPngText(readFileSync(pathOf(engine, imagesOf(fromBody.outputs['5'])[0]!)));
  assert.deepEqual(JSON.parse(bodyText.workflow!), file);
  assert.ok(bodyText.prompt !== undefined);
});

test('a saved workflow with an unknown node type reports missing_node_type and runs nothing', async () => {
  const engine = await freshEngine();
  const file = comfySaved();
  const invert = file.nodes.find((node) => node.id === 4)!;
  invert.type = 'ImageInvertDeluxe';
  const events: RunEvent[] = [];
  const outcome = await engine.run(file, { onEvent: (event) => events.push(event) });
  assert.equal(outcome.kind, 'invalid');
  assert.equal(outcome.check.format, 'saved');
  const entry = outcome.check.nodeErrors['4'];
  assert.equal(entry?.type, 'ImageInvertDeluxe');
  assert.ok(entry?.errors.some((error) => error.code === 'missing_node_type'), JSON.stringify(entry));
  assert.deepEqual(events, []);
  assert.deepEqual(await filesUnder(engine.folders.output), []);
  assert.deepEqual(await filesUnder(engine.folders.temp), []);

  // Even when the unknown node feeds nothing (a leftover), it blocks the run: its pack is missing.
  const leftover = comfySaved();
  leftover.nodes.push({ id: 11, type: 'SomeCustomPackNode', mode: 0 });
  const refused = await engine.run(leftover);
  assert.equal(refused.kind, 'invalid');
  assert.equal(refused.check.nodeErrors['11']?.errors[0]?.code, 'missing_node_type');
});
