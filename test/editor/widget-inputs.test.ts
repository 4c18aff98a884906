/**
 * Widgets as inputs, end to end in Debian's Chromium against a real server: an INT output
 * dragged onto a widget's socket drives that widget (greyed, marked "linked", not editable),
 * the saved workflow and the run use the link, and deleting the link gives the widget back
 * with the value it had. The node menu's "Convert <input> to input" pins the socket in view
 * (drawn without the pointer over it, and zoomed far out) and "Convert <input> to widget"
 * removes the link and restores the widget. The same on ComfyUI-named nodes, saved back in
 * ComfyUI's format (a converted widget is an input `{name, widget: {name}, link}`, its
 * `widgets_values` position keeps its value).
 *
 * Skipped, with the reason, where Chromium is not installed (the set-up installs it as root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';
import { addFromPalette, browserUnavailable, drag, pointOf, waitFor, type Browser, type Point } from './browser.js';
import { EDITOR_ARTIFACTS as artifacts, requireEditor, useEditorSession } from './session.js';

const skip = browserUnavailable();
let server: TestServer;
let browser: Browser;

interface PageNode {
  id: number;
  type: string;
  pos: [number, number];
  size: [number, number];
  properties: Record<string, unknown>;
  inputs: { name: string; link: number | null; widget?: { name: string } }[];
  widgets?: { name: string; value: unknown; y: number; computedDisabled?: boolean }[];
  runState: { status: string; images: { width: number; height: number }[] };
  getInputPos(slot: number): [number, number];
  getOutputPos(slot: number): [number, number];
}
interface EditorPage {
  switchyardEditor: {
    graph: { _nodes: PageNode[]; links: Map<number, unknown> };
    canvas: {
      ds: { scale: number; offset: [number, number]; convertOffsetToCanvas(pos: [number, number]): [number, number] };
      canvas: { getBoundingClientRect(): { left: number; top: number }; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      setDirty(foreground: boolean, background: boolean): void;
    };
    ctx: { workflowName?: string; modified: boolean };
  };
}
interface WidgetView {
  value: unknown;
  /** litegraph's own flag: greyed, value hidden, clicks ignored. */
  locked: boolean;
  link: number | null;
  converted: string[];
}

async function widgetView(page: Page, type: string, name: string): Promise<WidgetView> {
  await nextFrames(page);
  return page.evaluate(([nodeType, widgetName]) => {
    const node = (globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.find((candidate) => candidate.type === nodeType)!;
    const widget = node.widgets!.find((candidate) => candidate.name === widgetName)!;
    const converted = node.properties.switchyard_converted_inputs;
    return {
      value: widget.value,
      locked: widget.computedDisabled === true,
      link: node.inputs.find((input) => input.widget?.name === widgetName)?.link ?? null,
      converted: Array.isArray(converted) ? (converted as string[]) : [],
    };
  }, [type, name] as const);
}

/** Lets the canvas draw (litegraph works out a widget's locked state while drawing it). */
async function nextFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const scope = globalThis as unknown as EditorPage & { requestAnimationFrame(callback: () => void): void };
    scope.switchyardEditor.canvas.setDirty(true, true);
    return new Promise<void>((resolve) => scope.requestAnimationFrame(() => scope.requestAnimationFrame(() => resolve())));
  });
}

/** The canvas pixel (RGB) at a page point. */
async function pixelAt(page: Page, point: Point): Promise<number[]> {
  await page.mouse.move(5, 5);
  await nextFrames(page);
  return page.evaluate(([x, y]) => {
    const canvas = (globalThis as unknown as EditorPage).switchyardEditor.canvas.canvas;
    const rect = canvas.getBoundingClientRect();
    const ratio = (globalThis as unknown as { devicePixelRatio: number }).devicePixelRatio || 1;
    const data = canvas.getContext('2d').getImageData(Math.round((x - rect.left) * ratio), Math.round((y - rect.top) * ratio), 1, 1).data;
    return [data[0]!, data[1]!, data[2]!];
  }, [point.x, point.y] as const);
}

async function typeIntoWidget(page: Page, type: string, widget: string, value: string): Promise<void> {
  const at = await pointOf(page, type, { kind: 'widget', name: widget });
  await page.mouse.click(at.x, at.y);
  await page.fill('.graphdialog .value', value);
  await page.keyboard.press('Enter');
}

/** Right-clicks the node's title and picks `entry` in the submenu `submenu` of its menu. */
async function nodeMenu(page: Page, type: string, submenu: string, entry: string): Promise<void> {
  const title = await pointOf(page, type, { kind: 'title' });
  await page.mouse.click(title.x, title.y, { button: 'right' });
  await page.locator('.litecontextmenu .litemenu-entry', { hasText: submenu }).click();
  await page.locator('.litecontextmenu .litemenu-entry', { hasText: entry }).click();
  await page.locator('.litecontextmenu').first().waitFor({ state: 'detached' });
}

async function menuEntries(page: Page, type: string): Promise<string[]> {
  const title = await pointOf(page, type, { kind: 'title' });
  await page.mouse.click(title.x, title.y, { button: 'right' });
  const entries = await page.locator('.litecontextmenu .litemenu-entry').allTextContents();
  await page.keyboard.press('Escape');
  await page.mouse.click(5, 5);
  return entries;
}

/** Runs the graph and answers the size of the image the Save node shows. */
async function runAndMeasure(page: Page, saveType: string): Promise<{ width: number; height: number }> {
  await page.evaluate((type) => {
    const node = (globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.find((candidate) => candidate.type === type)!;
    node.runState.images = [];
  }, saveType);
  await page.click('[data-testid="run"]');
  await waitFor(page, (type) => ((globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.find((candidate) => candidate.type === type)?.runState.images.length ?? 0) > 0, saveType);
  return page.evaluate((type) => {
    const image = (globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.find((candidate) => candidate.type === type)!.runState.images[0]!;
    return { width: image.width, height: image.height };
  }, saveType);
}

async function saveAs(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="save-as"]');
  await page.fill('[data-testid="dialog-input"]', name);
  await page.click('[data-testid="dialog-ok"]');
  await waitFor(page, (wanted) => {
    const { ctx } = (globalThis as unknown as EditorPage).switchyardEditor;
    return ctx.workflowName === wanted && !ctx.modified;
  }, name);
}

async function save(page: Page): Promise<void> {
  await page.click('[data-testid="save"]');
  await waitFor(page, () => !(globalThis as unknown as EditorPage).switchyardEditor.ctx.modified, undefined);
}

async function openWorkflow(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="open"]');
  await page.click(`[data-testid="choice"][data-label="${name}"]`);
  await waitFor(page, (wanted) => (globalThis as unknown as EditorPage).switchyardEditor.ctx.workflowName === wanted, name);
}

useEditorSession(async (session) => {
  ({ server, browser } = session);
  await browser.page.goto(`${server.url}/`);
  await browser.page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  // The canvas gets the whole width: the runs dock folds away.
  if ((await browser.page.locator('.run-dock').getAttribute('data-collapsed')) !== 'true') await browser.page.click('[data-testid="dock-toggle"]');
});

test('an INT output dragged onto a widget drives it; the save and the run use the link; deleting the link gives the value back', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await addFromPalette(page, 'int', 'core.int', 30, 90);
  await addFromPalette(page, 'empty image', 'image.empty', 330, 90);
  await addFromPalette(page, 'save image', 'image.save', 630, 90);
  await typeIntoWidget(page, 'core.int', 'value', '24');
  await typeIntoWidget(page, 'image.empty', 'width', '64');
  await typeIntoWidget(page, 'image.empty', 'height', '32');
  await drag(page, await pointOf(page, 'image.empty', { kind: 'output', slot: 0 }), await pointOf(page, 'image.save', { kind: 'input', name: 'images' }));
  assert.deepEqual(await widgetView(page, 'image.empty', 'width'), { value: 64, locked: false, link: null, converted: [] });

  // The link: from Int's output onto the width widget's socket, at its left edge.
  await drag(page, await pointOf(page, 'core.int', { kind: 'output', slot: 0 }), await pointOf(page, 'image.empty', { kind: 'input', name: 'width' }));
  const linked = await widgetView(page, 'image.empty', 'width');
  assert.ok(linked.link !== null, 'the width socket is linked');
  assert.deepEqual({ ...linked, link: 'set' }, { value: 64, locked: true, link: 'set', converted: [] }, 'the widget is locked and keeps its value');
  await page.screenshot({ path: join(artifacts, '40-widget-linked.png') });
  // A click on a linked widget edits nothing.
  const widthWidget = await pointOf(page, 'image.empty', { kind: 'widget', name: 'width' });
  await page.mouse.click(widthWidget.x, widthWidget.y);
  assert.equal(await page.locator('.graphdialog').count(), 0, 'no value prompt for a linked widget');

  await saveAs(page, 'e2e/widget-link');
  const stored = (await server.request('/api/workflows/e2e/widget-link')).body;
  const empty = stored.nodes.find((node: { type: string }) => node.type === 'image.empty');
  const int = stored.nodes.find((node: { type: string }) => node.type === 'core.int');
  const socket = empty.inputs.find((input: { name: string }) => input.name === 'width');
  assert.deepEqual(socket.widget, { name: 'width' });
  const link = stored.links.find((entry: unknown[]) => entry[0] === socket.link);
  assert.deepEqual([link[1], link[2], link[3], link[5]], [int.id, 0, empty.id, 'INT'], 'the saved link runs from Int to the width socket');
  assert.equal(empty.properties.switchyard.values.width, 64, 'the widget value is saved too');

  assert.deepEqual(await runAndMeasure(page, 'image.save'), { width: 24, height: 32 }, 'the run takes the width from the link');

  // Deleting the link: drag it off the socket onto empty canvas.
  await drag(page, await pointOf(page, 'image.empty', { kind: 'input', name: 'width' }), await pointOf(page, undefined, { kind: 'graph', x: 320, y: 420 }));
  assert.deepEqual(await widgetView(page, 'image.empty', 'width'), { value: 64, locked: false, link: null, converted: [] }, 'the widget is back with its value');
  await page.mouse.click(widthWidget.x, widthWidget.y);
  await page.locator('.graphdialog .value').waitFor();
  await page.keyboard.press('Escape');
  assert.deepEqual(await runAndMeasure(page, 'image.save'), { width: 64, height: 32 }, 'the run takes the widget value again');
});

test('the node menu converts a widget to an input (socket shown, even zoomed out) and back to a widget (link removed)', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  const entries = await menuEntries(page, 'image.empty');
  assert.ok(entries.includes('Convert Widget to Input'), entries.join(' | '));
  assert.ok(!entries.includes('Convert Input to Widget'), 'nothing is an input yet');
  const socket = await pointOf(page, 'image.empty', { kind: 'input', name: 'height' });
  const hidden = await pixelAt(page, socket);

  await nodeMenu(page, 'image.empty', 'Convert Widget to Input', 'Convert height to input');
  assert.deepEqual(await widgetView(page, 'image.empty', 'height'), { value: 32, locked: false, link: null, converted: ['height'] }, 'converted, not linked: the value still counts');
  const shown = await pixelAt(page, socket);
  assert.notDeepEqual(shown, hidden, 'the socket is drawn without the pointer over it');
  await page.screenshot({ path: join(artifacts, '41-widget-converted.png') });

  // Zoomed far out, sockets are left out — but not a converted one.
  const view = await page.evaluate(() => {
    const { ds } = (globalThis as unknown as EditorPage).switchyardEditor.canvas;
    const before = { scale: ds.scale, offset: [...ds.offset] as [number, number] };
    ds.scale = 0.3;
    return before;
  });
  const far = await pointOf(page, 'image.empty', { kind: 'input', name: 'height' });
  const farWidth = await pointOf(page, 'image.empty', { kind: 'input', name: 'batch_size' });
  assert.notDeepEqual(await pixelAt(page, far), await pixelAt(page, farWidth), 'zoomed out, the converted socket still shows (the others do not)');
  await page.screenshot({ path: join(artifacts, '42-widget-converted-zoomed-out.png') });
  await page.evaluate((before) => {
    const { ds } = (globalThis as unknown as EditorPage).switchyardEditor.canvas;
    ds.scale = before.scale;
    ds.offset = before.offset;
  }, view);

  await drag(page, await pointOf(page, 'core.int', { kind: 'output', slot: 0 }), socket);
  assert.equal((await widgetView(page, 'image.empty', 'height')).locked, true);
  assert.deepEqual(await runAndMeasure(page, 'image.save'), { width: 64, height: 24 });
  await save(page);
  const stored = (await server.request('/api/workflows/e2e/widget-link')).body;
  assert.deepEqual(stored.nodes.find((node: { type: string }) => node.type === 'image.empty').properties.switchyard_converted_inputs, ['height'], 'the conversion is saved');

  const after = await menuEntries(page, 'image.empty');
  assert.ok(after.includes('Convert Input to Widget'), after.join(' | '));
  await nodeMenu(page, 'image.empty', 'Convert Input to Widget', 'Convert height to widget');
  assert.deepEqual(await widgetView(page, 'image.empty', 'height'), { value: 32, locked: false, link: null, converted: [] }, 'the link is gone, the widget back with its value');
  assert.deepEqual(await runAndMeasure(page, 'image.save'), { width: 64, height: 32 });
});

/** ComfyUI's format, as its editor wrote it before widgets had sockets: no inputs for widgets. */
const COMFY_FILE = {
  last_node_id: 3,
  last_link_id: 1,
  nodes: [
    { id: 1, type: 'PrimitiveInt', pos: [20, 80], size: [270, 82], flags: {}, order: 0, mode: 0, inputs: [], outputs: [{ name: 'INT', type: 'INT', links: [], slot_index: 0 }], properties: { 'Node name for S&R': 'PrimitiveInt' }, widgets_values: [24, 'fixed'] },
    { id: 2, type: 'EmptyImage', pos: [330, 80], size: [270, 130], flags: {}, order: 1, mode: 0, inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1], slot_index: 0 }], properties: { 'Node name for S&R': 'EmptyImage' }, widgets_values: [64, 32, 1, 0] },
    { id: 3, type: 'SaveImage', pos: [640, 80], size: [210, 270], flags: {}, order: 2, mode: 0, inputs: [{ name: 'images', type: 'IMAGE', link: 1 }], outputs: [], properties: { 'Node name for S&R': 'SaveImage' }, widgets_values: ['widget-e2e'] },
  ],
  links: [[1, 2, 0, 3, 0, 'IMAGE']],
  groups: [],
  config: {},
  extra: {},
  version: 0.4,
};

test('ComfyUI-named nodes: a widget converted and linked saves as ComfyUI writes it, and converts back to the file as loaded', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  assert.equal((await server.request('/api/workflows/e2e/comfy-widget', { method: 'PUT', body: COMFY_FILE })).status, 201);
  await openWorkflow(page, 'e2e/comfy-widget');
  await nodeMenu(page, 'EmptyImage', 'Convert Widget to Input', 'Convert width to input');
  await drag(page, await pointOf(page, 'PrimitiveInt', { kind: 'output', slot: 0 }), await pointOf(page, 'EmptyImage', { kind: 'input', name: 'width' }));
  assert.equal((await widgetView(page, 'EmptyImage', 'width')).locked, true);
  await save(page);

  let stored = (await server.request('/api/workflows/e2e/comfy-widget')).body;
  let empty = stored.nodes.find((node: { id: number }) => node.id === 2);
  assert.equal(empty.inputs.length, 1, 'only the converted widget is an input');
  assert.deepEqual({ ...empty.inputs[0], link: typeof empty.inputs[0].link }, { name: 'width', type: 'INT', widget: { name: 'width' }, link: 'number' });
  assert.deepEqual(empty.widgets_values, [64, 32, 1, 0], "the widget's position keeps its value");
  assert.ok(!('switchyard' in empty.properties), 'no values keyed by name in a ComfyUI file');
  const link = stored.links.find((entry: unknown[]) => entry[0] === empty.inputs[0].link);
  assert.deepEqual([link[1], link[2], link[3], link[4], link[5]], [1, 0, 2, 0, 'INT']);
  assert.deepEqual(stored.extra.switchyard, { schemaVersion: 1 });
  assert.deepEqual(await runAndMeasure(page, 'SaveImage'), { width: 24, height: 32 }, 'the run takes the linked width');
  await page.screenshot({ path: join(artifacts, '43-comfy-widget-linked.png') });

  await nodeMenu(page, 'EmptyImage', 'Convert Input to Widget', 'Convert width to widget');
  await save(page);
  stored = (await server.request('/api/workflows/e2e/comfy-widget')).body;
  empty = stored.nodes.find((node: { id: number }) => node.id === 2);
  assert.deepEqual(empty.inputs, [], 'the widget is no input any more: the file is as loaded');
  assert.deepEqual(empty.properties, COMFY_FILE.nodes[1]!.properties);
  assert.deepEqual(empty.widgets_values, [64, 32, 1, 0]);
  assert.equal(stored.links.length, 1);
  assert.deepEqual(await runAndMeasure(page, 'SaveImage'), { width: 64, height: 32 });
});

test('the page reported no errors', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
