/**
 * ComfyUI workflows in the editor, end to end in Debian's Chromium: ComfyUI's default
 * text-to-image graph (workflows/diffusion/comfyui-default-sd15.json, class names such as
 * KSampler and CLIPTextEncode, which the server knows as aliases) is imported through the
 * Import button and shows real, editable nodes with ComfyUI's widgets in ComfyUI's order; the
 * seed and steps are changed by typing into their widgets; the graph runs on the demo SD 1.5
 * model and the image appears in the SaveImage node; saving to the server and exporting a file
 * both give back ComfyUI's format — the same class names, the changed values in ComfyUI's
 * positions, everything else exactly as loaded.
 *
 * Skipped, with the reason, where Chromium is not installed (the set-up installs it as root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/repo.js';
import type { TestServer } from '../helpers/server.js';
import { browserUnavailable, pointOf, waitFor, type Browser, type EditorGlobal } from './browser.js';
import { EDITOR_ARTIFACTS as artifacts, requireEditor, useEditorSession } from './session.js';

const skip = browserUnavailable();
const WORKFLOW = join(repoRoot, 'workflows', 'diffusion', 'comfyui-default-sd15.json');

interface SavedNode {
  id: number;
  type: string;
  widgets_values?: unknown[];
  properties?: Record<string, unknown>;
  inputs?: Record<string, unknown>[];
  outputs?: { name: string; type: string; links: number[] | null }[];
  [key: string]: unknown;
}
interface SavedFile { nodes: SavedNode[]; links: unknown[] }

const loaded = JSON.parse(readFileSync(WORKFLOW, 'utf8')) as SavedFile;
let server: TestServer;
let browser: Browser;

useEditorSession((session) => {
  ({ server, browser } = session);
});

/** What the page shows of one node, found by its ComfyUI class name. */
async function nodeView(type: string): Promise<{ title: string; kind?: string; widgets: [string, unknown][]; inputs: string[] }> {
  return browser.page.evaluate((wanted) => {
    interface Node { type: string; title: string; kind?: string; widgets?: { name: string; value: unknown }[]; inputs: { name: string }[] }
    const node = (globalThis as unknown as { switchyardEditor: { graph: { _nodes: Node[] } } }).switchyardEditor.graph._nodes.find((n) => n.type === wanted);
    if (!node) throw new Error(`no ${wanted} node`);
    return { title: node.title, ...(node.kind !== undefined ? { kind: node.kind } : {}), widgets: (node.widgets ?? []).map((w) => [w.name, w.value] as [string, unknown]), inputs: node.inputs.map((i) => i.name) };
  }, type);
}

/** Types a value into a number widget the way a person does: click it, type, Enter. */
async function typeIntoWidget(type: string, widget: string, value: string): Promise<void> {
  const { page } = browser;
  const at = await pointOf(page, type, { kind: 'widget', name: widget });
  await page.mouse.click(at.x, at.y);
  await page.fill('.graphdialog .value', value);
  await page.keyboard.press('Enter');
}

/** Checks a saved file against the loaded one: same nodes and class names, only the edited values changed. */
function assertComfyFile(file: SavedFile, where: string): void {
  assert.deepEqual(file.nodes.map((n) => [n.id, n.type]).sort(), loaded.nodes.map((n) => [n.id, n.type]).sort(), `${where}: the same nodes under the same class names`);
  assert.equal(file.links.length, loaded.links.length, `${where}: the same links`);
  for (const before of loaded.nodes) {
    const after = file.nodes.find((n) => n.id === before.id)!;
    const expected = before.type === 'KSampler' ? [1234, 'fixed', 3, 8, 'euler', 'normal', 1] : before.widgets_values;
    assert.deepEqual(after.widgets_values, expected, `${where}: ${before.type} ${before.id} widgets_values`);
    assert.deepEqual(after.properties, before.properties, `${where}: ${before.type} ${before.id} properties (nothing of ours added)`);
    assert.deepEqual(after.inputs, before.inputs, `${where}: ${before.type} ${before.id} inputs`);
    assert.deepEqual(after.outputs?.map((o) => [o.name, o.type, o.links]), before.outputs?.map((o) => [o.name, o.type, o.links]), `${where}: ${before.type} ${before.id} outputs`);
    // SaveImage grew to show the image it made; nothing else moved or changed size.
    for (const key of ['pos', 'size', 'mode', 'flags'] as const) {
      if (!(key === 'size' && before.type === 'SaveImage')) assert.deepEqual(after[key], before[key], `${where}: ${before.type} ${before.id} ${key}`);
    }
    assert.deepEqual(Object.keys(after).filter((key) => !(key in before)), [], `${where}: ${before.type} ${before.id} has no fields the file did not have`);
  }
}

test("ComfyUI's default graph imports as editable nodes with ComfyUI's widgets", { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const chooser = page.waitForEvent('filechooser');
  await page.click('[data-testid="import"]');
  await (await chooser).setFiles(WORKFLOW);
  await waitFor(page, (count) => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.length === count, loaded.nodes.length);
  const status = (await page.locator('#status').textContent()) ?? '';
  assert.match(status, /Opened comfyui-default-sd15\.json \(7 nodes\)/);
  assert.doesNotMatch(status, /missing/);
  await page.click('[data-testid="fit"]');

  const sampler = await nodeView('KSampler');
  assert.equal(sampler.kind, undefined, 'not a kept-as-is box');
  assert.equal(sampler.title, 'KSampler');
  assert.deepEqual(sampler.widgets, [['seed', 0], ['control_after_generate', 'fixed'], ['steps', 20], ['cfg', 8], ['sampler_name', 'euler'], ['scheduler', 'normal'], ['denoise', 1]]);
  assert.deepEqual(sampler.inputs.slice(0, 4), ['model', 'positive', 'negative', 'latent_image'], "ComfyUI's sockets, in its order");
  assert.deepEqual((await nodeView('CheckpointLoaderSimple')).widgets, [['ckpt_name', 'demo-sd15']]);
  assert.deepEqual((await nodeView('EmptyLatentImage')).widgets, [['width', 256], ['height', 256], ['batch_size', 1]]);
  assert.deepEqual((await nodeView('SaveImage')).widgets, [['filename_prefix', 'diffusion/comfyui-default']]);
  assert.equal((await nodeView('CLIPTextEncode')).widgets[0]?.[0], 'text');
  await page.screenshot({ path: join(artifacts, 'comfy-01-imported.png') });
});

test('its seed and steps are edited in their widgets, it runs, and the image shows in SaveImage', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await typeIntoWidget('KSampler', 'seed', '1234');
  await typeIntoWidget('KSampler', 'steps', '3');
  const widgets = Object.fromEntries((await nodeView('KSampler')).widgets);
  assert.equal(widgets.seed, 1234);
  assert.equal(widgets.steps, 3);
  assert.equal(await page.evaluate(() => (globalThis as unknown as EditorGlobal).switchyardEditor.ctx.modified), true);

  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+Enter');
  await waitFor(page, () => ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((n) => n.type === 'SaveImage')?.runState.images.length ?? 0) > 0, undefined, 120_000);
  const image = await page.evaluate(() => {
    const shown = (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((n) => n.type === 'SaveImage')!.runState.images[0]!;
    return { width: shown.width, height: shown.height };
  });
  assert.deepEqual([image.width, image.height], [256, 256]);
  const sampler = await page.evaluate(() => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((n) => n.type === 'KSampler')!.runState.status);
  assert.equal(sampler, 'done');
  // What ran is what the widgets showed.
  const runs = (await server.request('/api/runs')).body as { items: { id: string }[] };
  const ran = (await server.request(`/api/runs/${runs.items[0]!.id}`)).body as { workflow: { nodes: Record<string, { inputs: Record<string, unknown> }> } };
  assert.deepEqual([ran.workflow.nodes['3']?.inputs.seed, ran.workflow.nodes['3']?.inputs.steps], [1234, 3]);
  await page.screenshot({ path: join(artifacts, 'comfy-02-ran.png') });
});

test('saved to the server and exported, it is ComfyUI’s format with the same class names and the edited values', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await page.keyboard.press('Control+s');
  await page.fill('[data-testid="dialog-input"]', 'e2e/comfy-default');
  await page.click('[data-testid="dialog-ok"]');
  await page.locator('#status', { hasText: /^Saved “e2e\/comfy-default”/ }).waitFor({ timeout: 10_000 });
  const stored = await server.request('/api/workflows/e2e/comfy-default');
  assert.equal(stored.status, 200);
  assertComfyFile(stored.body as SavedFile, 'saved');

  const download = page.waitForEvent('download');
  await page.click('[data-testid="export"]');
  const path = await (await download).path();
  assertComfyFile(JSON.parse(readFileSync(path, 'utf8')) as SavedFile, 'exported');

  // The stored file runs as it is, with the edited values: the server reads ComfyUI's positions.
  const run = await server.request('/api/workflows/e2e/comfy-default/run', { method: 'POST', body: {} });
  assert.equal(run.status, 202, JSON.stringify(run.body));
  const detail = (await server.request(`/api/runs/${String(run.body.id)}`)).body as { workflow: { nodes: Record<string, { type: string; inputs: Record<string, unknown> }> } };
  assert.equal(detail.workflow.nodes['3']?.type, 'diffusion.ksampler');
  assert.deepEqual([detail.workflow.nodes['3']?.inputs.seed, detail.workflow.nodes['3']?.inputs.steps], [1234, 3]);
});

test('a ComfyUI file with a subgraph opens with a subgraph node, runs (the server expands it), and saves back with its definition', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  const file = join(repoRoot, 'test', 'fixtures', 'workflows', 'comfy-subgraph.json');
  const original = JSON.parse(readFileSync(file, 'utf8')) as SavedFile & { definitions: { subgraphs: { id: string; name: string }[] } };
  const subgraph = original.definitions.subgraphs[0]!;
  const chooser = page.waitForEvent('filechooser');
  await page.click('[data-testid="import"]');
  await (await chooser).setFiles(file);
  await page.locator('#status', { hasText: 'Opened comfy-subgraph.json (3 nodes)' }).waitFor({ timeout: 10_000 });
  assert.doesNotMatch((await page.locator('#status').textContent()) ?? '', /missing/);
  const instance = await nodeView(subgraph.id);
  assert.deepEqual([instance.title, instance.kind], [`${subgraph.name} (subgraph)`, 'subgraph']);
  assert.deepEqual(instance.widgets, [['blur_radius', 2]], 'the widget the subgraph promotes, with the value the file holds');
  await page.click('[data-testid="fit"]');
  await page.screenshot({ path: join(artifacts, 'comfy-03-subgraph.png') });

  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+Enter');
  await waitFor(page, () => ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((n) => n.type === 'SaveImage')?.runState.images.length ?? 0) > 0, undefined, 60_000);
  // The inner nodes ran under their full ids; their states show on the subgraph node.
  const runs = (await server.request('/api/runs')).body as { items: { id: string }[] };
  const ran = (await server.request(`/api/runs/${runs.items[0]!.id}`)).body as { workflow: { nodes: Record<string, { type: string; inputs: Record<string, unknown> }> } };
  assert.deepEqual(Object.keys(ran.workflow.nodes).sort(), ['1', '2:5', '2:6', '3']);
  assert.equal(ran.workflow.nodes['2:6']?.inputs.blur_radius, 2, 'the promoted widget value');
  const status = await page.evaluate((id) => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((n) => n.type === id)!.runState.status, subgraph.id);
  assert.equal(status, 'done');

  // The promoted widget is edited on the subgraph node, saved in its widgets_values, and runs.
  await typeIntoWidget(subgraph.id, 'blur_radius', '4');
  assert.deepEqual((await nodeView(subgraph.id)).widgets, [['blur_radius', 4]]);
  await page.keyboard.press('Control+s');
  await page.fill('[data-testid="dialog-input"]', 'e2e/comfy-subgraph');
  await page.click('[data-testid="dialog-ok"]');
  await page.locator('#status', { hasText: /^Saved “e2e\/comfy-subgraph”/ }).waitFor({ timeout: 10_000 });
  const stored = (await server.request('/api/workflows/e2e/comfy-subgraph')).body as typeof original;
  assert.deepEqual(stored.definitions.subgraphs, original.definitions.subgraphs, 'the definition comes back exactly as loaded');
  const storedInstance = stored.nodes.find((node) => node.id === 2)!;
  assert.equal(storedInstance.type, subgraph.id);
  assert.deepEqual(storedInstance.widgets_values, [4]);
  assert.deepEqual(storedInstance.inputs, original.nodes.find((node) => node.id === 2)!.inputs, 'its sockets as loaded');
  const rerun = await server.request('/api/workflows/e2e/comfy-subgraph/run', { method: 'POST', body: {} });
  assert.equal(rerun.status, 202, JSON.stringify(rerun.body));
  const rerunDetail = (await server.request(`/api/runs/${String(rerun.body.id)}`)).body as { workflow: { nodes: Record<string, { inputs: Record<string, unknown> }> } };
  assert.equal(rerunDetail.workflow.nodes['2:6']?.inputs.blur_radius, 4);

  // Copied into a new tab, the subgraph node takes its definition along.
  const title = await pointOf(page, subgraph.id, { kind: 'title' });
  await page.mouse.click(title.x, title.y);
  await page.keyboard.press('Control+c');
  await page.click('[data-testid="tab-new"]');
  const canvas = (await page.locator('#graph-canvas').boundingBox())!;
  await page.mouse.move(canvas.x + 200, canvas.y + 200);
  await page.keyboard.press('Control+v');
  await waitFor(page, (id) => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.some((n) => n.type === id), subgraph.id, 5_000);
  const pasted = await page.evaluate(() => {
    const { tabs } = (globalThis as unknown as { switchyardEditor: { workspace: { tabs: { snapshot(): { current: number; tabs: { state: string }[] } } } } }).switchyardEditor.workspace;
    const shot = tabs.snapshot();
    return JSON.parse(shot.tabs[shot.current]!.state) as { definitions?: { subgraphs?: { id: string }[] } };
  });
  assert.deepEqual(pasted.definitions?.subgraphs?.map((definition) => definition.id), [subgraph.id]);

  // A file without a value for the promoted widget: the node shows the default, but until it is
  // changed nothing is written, and the inner node runs with its own value (blur_radius 1).
  const bare = structuredClone(original) as typeof original & { nodes: { id: number; widgets_values?: unknown[] }[] };
  bare.nodes.find((node) => node.id === 2)!.widgets_values = [];
  const bareFile = join(mkdtempSync(join(tmpdir(), 'switchyard-subgraph-')), 'bare-subgraph.json');
  writeFileSync(bareFile, JSON.stringify(bare));
  const bareChooser = page.waitForEvent('filechooser');
  await page.click('[data-testid="import"]');
  await (await bareChooser).setFiles(bareFile);
  await page.locator('#status', { hasText: 'Opened bare-subgraph.json (3 nodes)' }).waitFor({ timeout: 10_000 });
  const sent = await page.evaluate((id) => {
    const { tabs } = (globalThis as unknown as { switchyardEditor: { workspace: { tabs: { snapshot(): { current: number; tabs: { state: string }[] } } } } }).switchyardEditor.workspace;
    const shot = tabs.snapshot();
    return (JSON.parse(shot.tabs[shot.current]!.state) as { nodes: { type: string; widgets_values?: unknown }[] }).nodes.find((node) => node.type === id)?.widgets_values;
  }, subgraph.id);
  assert.deepEqual(sent, [], 'no default written for a value the file does not hold');
  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+Enter');
  await waitFor(page, (count) => ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((n) => n.type === 'SaveImage')?.runState.images.length ?? 0) > 0 && count > 0, 1, 60_000);
  const latest = (await server.request('/api/runs')).body as { items: { id: string }[] };
  const bareRun = (await server.request(`/api/runs/${latest.items[0]!.id}`)).body as { workflow: { nodes: Record<string, { inputs: Record<string, unknown> }> } };
  assert.equal(bareRun.workflow.nodes['2:6']?.inputs.blur_radius, 1, "the inner node's own value");
});

test('the page reported no errors', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
