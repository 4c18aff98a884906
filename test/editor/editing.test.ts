/**
 * The editor's editing comforts and workflow files end to end, in Debian's Chromium against a
 * real server with a fresh data folder, driven by UI actions: nodes added from the palette and
 * linked with the mouse; undo and redo by keys and buttons; copy in one tab and paste in
 * another tab and in a second browser tab; a group around two nodes that moves with them; a
 * reroute on a link; a muted branch that does not run and a bypassed node whose input passes
 * through (checked on the saved pixels); two tabs that keep their graphs, and reopen after a
 * reload; a saved workflow renamed and deleted; a PNG from the run dropped on the canvas (its
 * saved graph, then only its API prompt, then a PNG with no workflow); closing a modified tab;
 * the shortcuts dialog and the minimap. Screenshots go to test/artifacts/editor/.
 *
 * Skipped, with the reason, where Chromium is not installed (the set-up installs it as root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { insertPngText, readPngText } from '../../nodes/image/png-text.js';
import type { TestServer } from '../helpers/server.js';
import { addFromPalette, browserUnavailable, pointOf, drag, waitFor, type Browser, type Point } from './browser.js';
import { EDITOR_ARTIFACTS as artifacts, requireEditor, useEditorSession } from './session.js';

const skip = browserUnavailable();
let server: TestServer;
let browser: Browser;
/** The PNG the mute/bypass run saved (dropped back onto the editor later). */
let runPng: Buffer | undefined;

/** The slice of `window.switchyardEditor` these tests read. */
interface EditorPage {
  switchyardEditor: {
    graph: {
      _nodes: { id: number; type: string; mode: number; pos: [number, number]; size: [number, number]; inputs: { name: string; link: number | null }[]; runState: { images: unknown[] }; getInputPos(slot: number): [number, number]; getOutputPos(slot: number): [number, number]; widgets?: { name: string; y: number }[] }[];
      _groups: { title: string; pos: [number, number]; size: [number, number]; nodes: { id: number }[] }[];
      links: Map<number, { id: number; parentId?: number; _pos: [number, number] }>;
      reroutes: Map<number, unknown>;
    };
    canvas: { ds: { scale: number; offset: [number, number]; convertOffsetToCanvas(pos: [number, number]): [number, number] }; canvas: PageElement; draw(foreground: boolean, background: boolean): void };
    ctx: { workflowName?: string; modified: boolean };
  };
}

/** The few DOM names used inside page.evaluate (the tests compile without the DOM library). */
interface PageElement {
  textContent: string | null;
  parentElement: PageElement | null;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
  dispatchEvent(event: unknown): boolean;
}
interface PageDom {
  document: { querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (parts: unknown[], name: string, options: { type: string }) => unknown;
  DragEvent: new (type: string, init: Record<string, unknown>) => unknown;
}

interface Summary {
  nodes: { id: number; type: string; mode: number; pos: [number, number] }[];
  links: number;
  groups: { title: string; nodes: number[] }[];
  reroutes: number;
  tabs: string[];
  active: string;
  modified: boolean;
  name: string | undefined;
}

async function summary(page: Page): Promise<Summary> {
  return page.evaluate(() => {
    const { graph, ctx } = (globalThis as unknown as EditorPage).switchyardEditor;
    const { document } = globalThis as unknown as PageDom;
    const tabs = Array.from(document.querySelectorAll('[data-testid="tab"]')).map((tab) => tab.textContent ?? '');
    return {
      nodes: graph._nodes.map((node) => ({ id: node.id, type: node.type, mode: node.mode, pos: [node.pos[0], node.pos[1]] as [number, number] })),
      links: graph.links.size,
      groups: graph._groups.map((group) => ({ title: group.title, nodes: group.nodes.map((node) => node.id).sort() })),
      reroutes: graph.reroutes.size,
      tabs,
      active: document.querySelector('[data-testid="tab"][aria-selected="true"]')?.textContent ?? '',
      modified: ctx.modified,
      name: ctx.workflowName,
    };
  });
}

function idOf(state: Summary, type: string, nth = 0): number {
  const found = state.nodes.filter((node) => node.type === type)[nth];
  assert.ok(found, `a node of type ${type} (#${nth})`);
  return found.id;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

async function openEditor(page: Page): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
}

async function click(page: Page, point: Point, modifiers: ('Shift' | 'Control')[] = []): Promise<void> {
  for (const key of modifiers) await page.keyboard.down(key);
  await page.mouse.click(point.x, point.y);
  for (const key of modifiers) await page.keyboard.up(key);
}

/** Drops `bytes` as a file named `name` onto the canvas, as a person dragging it from a folder. */
async function dropFile(page: Page, name: string, bytes: Buffer, type: string): Promise<void> {
  await page.evaluate(([fileName, data, mime]) => {
    const { document, DataTransfer, File, DragEvent } = globalThis as unknown as PageDom;
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(data)], fileName, { type: mime }));
    const target = document.querySelector('#graph-canvas')!.parentElement!;
    const rect = target.getBoundingClientRect();
    const at = { clientX: rect.left + rect.width / 2, clientY: rect.top + rect.height / 2 };
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true, ...at }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true, ...at }));
  }, [name, [...bytes], type] as const);
}

useEditorSession((session) => {
  ({ server, browser } = session);
});

test('nodes added and linked with the mouse; undo and redo (keys and buttons) restore each step', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await openEditor(page);
  assert.deepEqual((await summary(page)).tabs, ['Untitled']);
  assert.equal(await page.locator('[data-testid="undo"]').isDisabled(), true, 'nothing to undo yet');
  // Laid out to fit a canvas of 600x600 (the runs dock takes the right of the window).
  await addFromPalette(page, 'empty image', 'image.empty', 20, 80);
  await addFromPalette(page, 'invert image', 'image.invert', 310, 80);
  await addFromPalette(page, 'save image', 'image.save', 310, 330);
  let state = await summary(page);
  const [empty, invert, save] = [idOf(state, 'image.empty'), idOf(state, 'image.invert'), idOf(state, 'image.save')];
  await drag(page, await pointOf(page, empty, { kind: 'output', slot: 0 }), await pointOf(page, invert, { kind: 'input', name: 'image' }));
  await drag(page, await pointOf(page, invert, { kind: 'output', slot: 0 }), await pointOf(page, save, { kind: 'input', name: 'images' }));
  state = await summary(page);
  assert.deepEqual([state.nodes.length, state.links, state.modified, state.active], [3, 2, true, 'Untitled •']);

  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+z');
  assert.equal((await summary(page)).links, 1, 'undo takes the last link back');
  await page.keyboard.press('Control+z');
  assert.equal((await summary(page)).links, 0);
  await page.keyboard.press('Control+z');
  assert.deepEqual((await summary(page)).nodes.map((node) => node.type).sort(), ['image.empty', 'image.invert'], 'then the last node added');
  await page.keyboard.press('Control+Shift+z');
  await page.keyboard.press('Control+y');
  assert.equal((await summary(page)).links, 1, 'redo by Ctrl+Shift+Z and Ctrl+Y');
  await page.click('[data-testid="undo"]');
  assert.equal((await summary(page)).links, 0, 'the Undo button');
  await page.click('[data-testid="redo"]');
  await page.click('[data-testid="redo"]');
  state = await summary(page);
  assert.deepEqual([state.nodes.length, state.links], [3, 2], 'the Redo button');
  assert.equal(await page.locator('[data-testid="redo"]').isDisabled(), true, 'nothing left to redo');

  // A widget edit is a step too: the width typed into Empty Image, then undone.
  const width = await pointOf(page, empty, { kind: 'widget', name: 'width' });
  await page.mouse.click(width.x, width.y);
  await page.fill('.graphdialog .value', '64');
  await page.keyboard.press('Enter');
  const widthOf = () => page.evaluate((id) => {
    const node = (globalThis as unknown as { switchyardEditor: { graph: { _nodes: { id: number; widgets: { name: string; value: unknown }[] }[] } } }).switchyardEditor.graph._nodes.find((n) => n.id === id)!;
    return node.widgets.find((w) => w.name === 'width')!.value;
  }, empty);
  assert.equal(await widthOf(), 64);
  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+z');
  assert.notEqual(await widthOf(), 64, 'the width edit is undone');
  await page.keyboard.press('Control+y');
  assert.equal(await widthOf(), 64);
  await screenshot(page, '10-editing-graph');
});

test('copy in one tab, paste into a new tab and into another browser tab; each tab keeps its graph', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  const first = await summary(page);
  await click(page, await pointOf(page, idOf(first, 'image.invert'), { kind: 'title' }));
  await page.keyboard.press('Control+c');
  await page.click('[data-testid="tab-new"]');
  let state = await summary(page);
  assert.deepEqual([state.tabs.length, state.nodes.length, state.active], [2, 0, 'Untitled'], 'a new empty tab');
  await page.mouse.move(...(Object.values(await pointOf(page, undefined, { kind: 'graph', x: 200, y: 200 })) as [number, number]));
  await page.keyboard.press('Control+v');
  state = await summary(page);
  assert.deepEqual(state.nodes.map((node) => node.type), ['image.invert'], 'pasted into the second tab');
  assert.equal(state.active, 'Untitled •');

  await page.locator('[data-testid="tab"]').nth(0).click();
  state = await summary(page);
  assert.deepEqual([state.nodes.length, state.links], [3, 2], 'the first tab kept its graph');
  await page.locator('[data-testid="tab"]').nth(1).click();
  assert.deepEqual((await summary(page)).nodes.map((node) => node.type), ['image.invert'], 'and the second its own');
  await screenshot(page, '11-two-tabs');
  await page.locator('[data-testid="tab"]').nth(0).click();

  const other = await browser.context.newPage();
  try {
    await openEditor(other);
    const canvas = (await other.locator('#graph-canvas').boundingBox())!;
    await other.mouse.click(canvas.x + 300, canvas.y + 200);
    await other.keyboard.press('Control+v');
    assert.deepEqual((await summary(other)).nodes.map((node) => node.type), ['image.invert'], 'pasted in another browser tab');
  } finally {
    await other.close();
  }
});

test('open tabs come back after a reload: their graphs, unsaved marks, views and the current tab', { skip }, async () => {
  requireEditor();
  // A browser tab of its own: the shared page starts every load blank (browser.ts).
  const page = await browser.context.newPage();
  page.on('dialog', (dialog) => void dialog.accept());
  try {
    await openEditor(page);
    await addFromPalette(page, 'empty image', 'image.empty', 40, 80);
    await addFromPalette(page, 'invert image', 'image.invert', 330, 80);
    await page.click('[data-testid="tab-new"]');
    await addFromPalette(page, 'save image', 'image.save', 200, 160);
    await page.evaluate(() => {
      const { canvas } = (globalThis as unknown as EditorPage).switchyardEditor;
      canvas.ds.scale = 0.75;
      canvas.ds.offset = [30, -20];
    });
    const before = await summary(page);
    assert.deepEqual(before.tabs, ['Untitled •', 'Untitled •'], 'two modified tabs');

    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const after = await summary(page);
    assert.deepEqual(after.tabs, before.tabs, 'the same tabs, in order');
    assert.equal(after.active, before.active);
    assert.deepEqual(after.nodes.map((node) => [node.type, node.pos]), before.nodes.map((node) => [node.type, node.pos]), 'the current tab shows its graph');
    assert.equal(after.modified, true, 'still marked unsaved');
    const view = await page.evaluate(() => {
      const { canvas } = (globalThis as unknown as EditorPage).switchyardEditor;
      return { scale: canvas.ds.scale, offset: [canvas.ds.offset[0], canvas.ds.offset[1]] };
    });
    assert.deepEqual(view, { scale: 0.75, offset: [30, -20] }, 'and its view');
    await page.locator('#status', { hasText: 'Reopened 2 tabs' }).waitFor({ timeout: 5_000 });

    await page.locator('[data-testid="tab"]').nth(0).click();
    assert.deepEqual((await summary(page)).nodes.map((node) => node.type).sort(), ['image.empty', 'image.invert'], 'the other tab kept its graph');

    // Closing every tab leaves one blank tab, and a reload then opens just that.
    for (const left of [1, 1]) {
      await page.locator('.tab.active [data-testid="tab-close"]').click();
      await page.click('[data-testid="confirm-ok"]');
      // The answer arrives with the dialog's close event; the last close leaves a new blank tab.
      await waitFor(page, (count) => (globalThis as unknown as PageDom).document.querySelectorAll('[data-testid="tab"]').length === count && (globalThis as unknown as PageDom).document.querySelector('[data-testid="confirm-ok"]') === null, left, 5_000);
    }
    await page.reload();
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
    const blank = await summary(page);
    assert.deepEqual([blank.tabs.length, blank.nodes.length, blank.modified], [1, 0, false]);
  } finally {
    await page.close();
  }
});

test('a group around the selected nodes moves with them', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  const before = await summary(page);
  const [empty, invert, save] = [idOf(before, 'image.empty'), idOf(before, 'image.invert'), idOf(before, 'image.save')];
  await click(page, await pointOf(page, empty, { kind: 'title' }));
  await click(page, await pointOf(page, invert, { kind: 'title' }), ['Shift']);
  await page.keyboard.press('Control+g');
  let state = await summary(page);
  assert.deepEqual(state.groups, [{ title: 'Group', nodes: [empty, invert].sort() }]);

  const from = await pointOf(page, undefined, { kind: 'group-title', index: 0 });
  await drag(page, from, { x: from.x, y: from.y + 160 });
  state = await summary(page);
  const moved = (id: number) => {
    const [a, b] = [before.nodes.find((n) => n.id === id)!.pos, state.nodes.find((n) => n.id === id)!.pos];
    return [Math.round(b[0] - a[0]), Math.round(b[1] - a[1])];
  };
  const scale = await page.evaluate(() => (globalThis as unknown as EditorPage).switchyardEditor.canvas.ds.scale);
  assert.deepEqual(moved(empty), moved(invert), 'both grouped nodes moved by the same amount');
  assert.ok(Math.abs(moved(empty)[1]! - 160 / scale) < 2, `moved down with the group: ${moved(empty)}`);
  assert.deepEqual(moved(save), [0, 0], 'the node outside the group stayed');
  await screenshot(page, '12-group-moved');
});

test('a reroute point is added on a link from the link menu', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  const state = await summary(page);
  await click(page, await pointOf(page, undefined, { kind: 'link-centre', inputOf: idOf(state, 'image.save'), input: 'images' }));
  await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Add Reroute' }).click();
  assert.equal((await summary(page)).reroutes, 1);
});

test('a muted branch does not run and a bypassed node passes its input through', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  // A second branch: another Save Image fed by Invert, muted.
  await addFromPalette(page, 'save image', 'image.save', 20, 420);
  let state = await summary(page);
  const [invert, keptSave, mutedSave] = [idOf(state, 'image.invert'), idOf(state, 'image.save', 0), idOf(state, 'image.save', 1)];
  await drag(page, await pointOf(page, invert, { kind: 'output', slot: 0 }), await pointOf(page, mutedSave, { kind: 'input', name: 'images' }));
  await click(page, await pointOf(page, mutedSave, { kind: 'title' }));
  await page.keyboard.press('Control+m');
  await click(page, await pointOf(page, invert, { kind: 'title' }));
  await page.keyboard.press('Control+b');
  state = await summary(page);
  assert.deepEqual([state.nodes.find((n) => n.id === mutedSave)!.mode, state.nodes.find((n) => n.id === invert)!.mode], [2, 4]);
  await screenshot(page, '13-muted-and-bypassed');

  await page.keyboard.press('Control+Enter');
  await waitFor(page, (id) => ((globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.find((n) => n.id === id)?.runState.images.length ?? 0) > 0, keptSave);
  await page.locator('#status', { hasText: 'Run finished' }).waitFor({ timeout: 20_000 });
  const runs = await server.request('/api/runs?limit=1');
  const run = (await server.request(`/api/runs/${runs.body.items[0].id}`)).body;
  assert.deepEqual(Object.keys(run.outputs), [String(keptSave)], 'only the unmuted Save node produced output');
  assert.ok(!run.executed.includes(String(mutedSave)) && !run.executed.includes(String(invert)), `neither the muted nor the bypassed node ran: ${run.executed}`);
  const response = await fetch(`${server.url}${run.outputs[String(keptSave)].images[0].url}`);
  runPng = Buffer.from(await response.arrayBuffer());
  const { data, info } = await sharp(runPng).raw().toBuffer({ resolveWithObject: true });
  assert.equal(info.width, 64);
  assert.equal(data[0], 0, 'the Empty Image (black) reached Save unchanged: Invert was bypassed');

  // Ctrl+B again on a bypassed node: it runs again.
  await click(page, await pointOf(page, invert, { kind: 'title' }));
  await page.keyboard.press('Control+b');
  assert.equal((await summary(page)).nodes.find((n) => n.id === invert)!.mode, 0, 'Ctrl+B again: it runs again');
  await screenshot(page, '14-run-with-modes');
});

test('a saved workflow is renamed and deleted from the Workflows dialog; its tab follows', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+s');
  await page.fill('[data-testid="dialog-input"]', 'e2e/editing-a');
  await page.click('[data-testid="dialog-ok"]');
  await waitFor(page, () => (globalThis as unknown as EditorPage).switchyardEditor.ctx.workflowName === 'e2e/editing-a', undefined);
  assert.equal((await summary(page)).active, 'e2e/editing-a');

  await page.click('[data-testid="workflows"]');
  await page.click('[data-testid="workflow-row"][data-name="e2e/editing-a"] [data-testid="workflow-rename"]');
  await page.fill('[data-testid="dialog-input"]', 'e2e/editing-b');
  await page.click('[data-testid="dialog-ok"]');
  await page.locator('[data-testid="workflow-row"][data-name="e2e/editing-b"]').waitFor({ timeout: 10_000 });
  assert.equal((await server.request('/api/workflows/e2e/editing-a')).status, 404, 'the old name is gone');
  const renamed = await server.request('/api/workflows/e2e/editing-b');
  assert.equal(renamed.status, 200);
  assert.equal(renamed.body.nodes.length, 4);
  let state = await summary(page);
  assert.deepEqual([state.name, state.modified, state.active], ['e2e/editing-b', false, 'e2e/editing-b'], 'the open tab follows the rename');
  await screenshot(page, '15-workflows-dialog');

  await page.click('[data-testid="workflow-row"][data-name="e2e/editing-b"] [data-testid="workflow-delete"]');
  await page.click('[data-testid="confirm-ok"]');
  await page.locator('[data-testid="dialog-workflows"]').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('[data-testid="workflow-row"][data-name="e2e/editing-b"]').count(), 0);
  assert.equal((await server.request('/api/workflows/e2e/editing-b')).status, 404);
  await page.click('[data-testid="manager-close"]');
  state = await summary(page);
  assert.deepEqual([state.name, state.modified, state.active], [undefined, true, 'Untitled •'], 'the tab keeps the graph, unsaved now');
});

test('a PNG from a run dropped on the canvas opens its workflow; a PNG without one says so', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  assert.ok(runPng, 'the run test saved a PNG');
  const tabsBefore = (await summary(page)).tabs.length;
  await dropFile(page, 'switchyard-run.png', runPng, 'image/png');
  await page.locator('#status', { hasText: 'Opened the workflow in switchyard-run.png' }).waitFor({ timeout: 10_000 });
  let state = await summary(page);
  assert.equal(state.tabs.length, tabsBefore + 1, 'opened in a new tab');
  assert.deepEqual(state.nodes.map((node) => [node.type, node.mode]).sort(), [['image.empty', 0], ['image.invert', 4], ['image.save', 0], ['image.save', 2]], 'the graph as it ran, modes included');
  assert.equal(state.reroutes, 1, 'with its reroute');
  assert.equal(state.modified, true, 'new to the server until saved');
  assert.equal(state.active, 'switchyard-run.png •', 'the tab is named after the file');
  assert.equal(await page.locator('[data-testid="workflow-name"]').textContent(), 'switchyard-run.png •', 'and so is the toolbar');
  await screenshot(page, '16-png-dropped');

  // Only the API prompt (as an API-format run writes it): laid out anew, skipped nodes absent.
  const texts = readPngText(runPng);
  const plain = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).png().toBuffer();
  await dropFile(page, 'prompt-only.png', insertPngText(plain, { prompt: texts.prompt! }), 'image/png');
  await page.locator('#status', { hasText: 'Opened the workflow in prompt-only.png (2 nodes, API format)' }).waitFor({ timeout: 10_000 });
  assert.deepEqual((await summary(page)).nodes.map((node) => node.type).sort(), ['image.empty', 'image.save']);

  const tabs = (await summary(page)).tabs.length;
  await dropFile(page, 'holiday.png', plain, 'image/png');
  await page.locator('#status[data-kind="error"]', { hasText: 'Could not open holiday.png: it has no embedded workflow' }).waitFor({ timeout: 10_000 });
  assert.equal((await summary(page)).tabs.length, tabs, 'no tab for a PNG without a workflow');
});

test('closing a tab with unsaved changes asks first', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  const before = await summary(page);
  assert.match(before.active, /•$/);
  const activeClose = page.locator('.tab.active [data-testid="tab-close"]');
  await activeClose.click();
  await page.click('[data-testid="confirm-cancel"]');
  assert.equal((await summary(page)).tabs.length, before.tabs.length, 'cancel keeps the tab');
  await activeClose.click();
  await page.click('[data-testid="confirm-ok"]');
  // The answer arrives with the dialog's close event, a task after the click.
  await waitFor(page, (count) => (globalThis as unknown as PageDom).document.querySelectorAll('[data-testid="tab"]').length === count, before.tabs.length - 1, 5_000);
  assert.equal((await summary(page)).tabs.length, before.tabs.length - 1);
});

test('the shortcuts dialog lists the keys; the minimap moves the view', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('?');
  const dialog = page.locator('[data-testid="dialog-shortcuts"]');
  await dialog.waitFor();
  for (const keys of ['Ctrl+Z', 'Ctrl+M', 'Ctrl+B', 'Ctrl+G']) assert.equal(await dialog.locator('kbd', { hasText: keys }).count() > 0, true, keys);
  await screenshot(page, '17-shortcuts');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });

  await page.keyboard.press('.');
  const map = page.locator('[data-testid="minimap"]');
  assert.equal(await map.isVisible(), true);
  const offset = () => page.evaluate(() => [...(globalThis as unknown as EditorPage).switchyardEditor.canvas.ds.offset]);
  const before = await offset();
  const box = (await map.boundingBox())!;
  await page.mouse.click(box.x + 6, box.y + 6);
  assert.notDeepEqual(await offset(), before, 'a click on the minimap moved the view');
  await screenshot(page, '18-minimap');
  await page.click('[data-testid="minimap-toggle"]');
  assert.equal(await map.isVisible(), false);
  assert.equal(await page.locator('[data-testid="minimap-toggle"]').getAttribute('aria-pressed'), 'false');
  await page.click('[data-testid="minimap-toggle"]');

  // A narrow window: the tabs and the (smaller) minimap still fit beside each other.
  await page.setViewportSize({ width: 480, height: 800 });
  try {
    await page.locator('[data-testid="tab-new"]').scrollIntoViewIfNeeded();
    assert.equal(await page.locator('[data-testid="tab-new"]').isVisible(), true);
    const small = (await map.boundingBox())!;
    assert.ok(small.width <= 120, `the minimap shrinks: ${small.width}px`);
    await screenshot(page, '19-narrow');
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 });
  }
});

test('the page reported no errors', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
