/**
 * The editor end to end, in a real browser (Debian's Chromium via playwright-core) against a
 * real server with a fresh data folder: a graph is built by UI actions only (palette search and
 * drag, canvas double-click search, dragging titles and links, typing into a widget), a link
 * between incompatible types is refused, the graph runs (Ctrl+Enter) and the saved image
 * appears inside the Save node, the workflow is saved, the page reloaded and the workflow
 * opened again, a node left unconnected is shown with its validation error, and a workflow with
 * a node type the server does not know opens with a "missing" node and saves back unchanged.
 * Screenshots go to test/artifacts/editor/ for people to look at.
 *
 * Skipped, with the reason, where Chromium is not installed (the set-up installs it as root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { browserUnavailable, editorNotBuilt, drag, openQuickSearch, pointOf, waitFor, type Browser, type EditorGlobal } from './browser.js';
import { EDITOR_ARTIFACTS as artifacts, useEditorSession } from './session.js';

const skip = browserUnavailable();
let server: TestServer;
let browser: Browser;

/** A saved workflow whose second node's type no server knows, with fields only that tool writes. */
const WITH_MISSING_NODE = {
  last_node_id: 2,
  last_link_id: 1,
  nodes: [
    { id: 1, type: 'image.empty', pos: [40, 80], size: [240, 160], flags: {}, order: 0, mode: 0, inputs: [], outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [1], slot_index: 0 }], properties: {}, widgets_values: [32, 32, 1, 0] },
    {
      id: 2, type: 'Mystery.Upscaler', pos: [360, 80], size: [280, 120], flags: {}, order: 1, mode: 0,
      inputs: [{ name: 'image', localized_name: 'image', type: 'IMAGE', link: 1 }],
      outputs: [{ name: 'IMAGE', type: 'IMAGE', links: [], slot_index: 0 }],
      properties: { cnr_id: 'mystery-pack', ver: '1.2.3', 'Node name for S&R': 'Mystery.Upscaler' },
      widgets_values: [2, 'lanczos', { nested: [1, 2, 3] }],
      custom_field: { kept: true },
    },
  ],
  links: [[1, 1, 0, 2, 0, 'IMAGE']],
  groups: [],
  config: {},
  extra: {},
  version: 0.4,
};

/** Why the server does not serve the editor (checked once; each test fails fast with it). */
let notServed: string | undefined;

useEditorSession(async (session) => {
  ({ server, browser } = session);
  notServed = editorNotBuilt();
  if (!notServed && !/id="switchyard-data-types"/.test(await (await fetch(`${server.url}/`)).text())) notServed = 'GET / is not the editor page: mount editorRoutes (engine/server/editor/routes.ts) in engine/server/app.ts';
});

function requireEditor(): void {
  if (notServed) assert.fail(notServed);
}

async function screenshot(name: string): Promise<void> {
  await browser.page.screenshot({ path: join(artifacts, `${name}.png`) });
}

async function graphSummary(): Promise<{ nodes: string[]; links: number; widths: unknown[] }> {
  return browser.page.evaluate(() => {
    interface EditorWindow { switchyardEditor: { graph: { _nodes: { type: string; widgets?: { name: string; value: unknown }[] }[]; links: Map<number, unknown> | Record<string, unknown> } } }
    const { graph } = (globalThis as unknown as EditorWindow).switchyardEditor;
    const links = graph.links instanceof Map ? graph.links.size : Object.keys(graph.links).length;
    return {
      nodes: graph._nodes.map((node) => node.type).sort(),
      links,
      widths: graph._nodes.filter((node) => node.type === 'image.empty').map((node) => node.widgets?.find((w) => w.name === 'width')?.value),
    };
  });
}

test('the editor page, its assets and the node palette load', { skip }, async () => {
  requireEditor();
  await browser.page.goto(`${server.url}/`);
  await browser.page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  assert.match((await browser.page.locator('#status').textContent()) ?? '', /Ready: \d+ node types/);
  assert.ok((await browser.page.locator('[data-testid="palette-item"]').count()) > 0 || (await browser.page.locator('.palette-category').count()) > 0);
});

test('a graph built with the mouse runs, and its output image shows in the Save node', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  // Empty Image: palette search, then drag the entry onto the canvas.
  await page.fill('[data-testid="palette-search"]', 'empty image');
  const emptyEntry = page.locator('[data-testid="palette-item"][data-type="image.empty"]');
  const canvasBox = (await page.locator('#graph-canvas').boundingBox())!;
  await emptyEntry.dragTo(page.locator('#graph-canvas'), { targetPosition: { x: 80, y: 120 } });
  // Invert Image: double-click on empty canvas opens the quick search.
  await openQuickSearch(page, { x: canvasBox.x + 420, y: canvasBox.y + 140 });
  await page.fill('[data-testid="quick-search"]', 'invert image');
  await page.keyboard.press('Enter');
  // Save Image: palette search and a click (added in the middle), then dragged by its title.
  await page.fill('[data-testid="palette-search"]', 'save image');
  await page.locator('[data-testid="palette-item"][data-type="image.save"]').click();
  await drag(page, await pointOf(page, 'image.save', { kind: 'title' }), { x: canvasBox.x + 720, y: canvasBox.y + 140 });
  assert.deepEqual((await graphSummary()).nodes, ['image.empty', 'image.invert', 'image.save']);

  // Links: IMAGE → IMAGE twice; IMAGE into the STRING filename_prefix is refused.
  await drag(page, await pointOf(page, 'image.empty', { kind: 'output', slot: 0 }), await pointOf(page, 'image.invert', { kind: 'input', name: 'image' }));
  await drag(page, await pointOf(page, 'image.invert', { kind: 'output', slot: 0 }), await pointOf(page, 'image.save', { kind: 'input', name: 'images' }));
  assert.equal((await graphSummary()).links, 2);
  await drag(page, await pointOf(page, 'image.empty', { kind: 'output', slot: 0 }), await pointOf(page, 'image.save', { kind: 'input', name: 'filename_prefix' }));
  assert.equal((await graphSummary()).links, 2, 'an IMAGE output cannot feed a STRING input');

  // A small image: click the width widget, type the value.
  await page.mouse.click(...Object.values(await pointOf(page, 'image.empty', { kind: 'widget', name: 'width' })) as [number, number]);
  await page.fill('.graphdialog .value', '64');
  await page.keyboard.press('Enter');
  assert.deepEqual((await graphSummary()).widths, [64]);
  await screenshot('01-graph-built');

  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+Enter');
  await waitFor(page, () => ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((n) => n.type === 'image.save')?.runState.images.length ?? 0) > 0, undefined);
  const shown = await page.evaluate(() => {
    interface EditorWindow { switchyardEditor: { graph: { _nodes: { type: string; runState: { images: { width: number; height: number }[]; status: string; durationMs?: number } }[] } } }
    const node = (globalThis as unknown as EditorWindow).switchyardEditor.graph._nodes.find((n) => n.type === 'image.save')!;
    return { width: node.runState.images[0]!.width, height: node.runState.images[0]!.height, status: node.runState.status, timed: node.runState.durationMs !== undefined };
  });
  assert.deepEqual(shown, { width: 64, height: 512, status: 'done', timed: true });
  await page.waitForSelector('#status[data-kind="ok"]', { timeout: 10_000 });
  assert.match((await page.locator('#status').textContent()) ?? '', /Run finished/);
  await screenshot('02-run-output');
});

test('output images stay on their nodes across a tab switch and an undo, and are released when the node is deleted', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  const saveOutput = () => page.evaluate(() => {
    interface EditorWindow { switchyardEditor: { graph: { _nodes: { type: string; runState: { images: { width: number }[]; status: string } }[] } } }
    const node = (globalThis as unknown as EditorWindow).switchyardEditor.graph._nodes.find((n) => n.type === 'image.save');
    return node ? { images: node.runState.images.map((image) => image.width), status: node.runState.status } : undefined;
  });
  const before = await saveOutput();
  assert.deepEqual([before?.images, before?.status], [[64], 'done']);

  await page.click('[data-testid="tab-new"]');
  assert.deepEqual((await graphSummary()).nodes, [], 'the new tab is empty');
  await page.locator('[data-testid="tab"]').nth(0).click();
  assert.deepEqual(await saveOutput(), before, 'back on the first tab, the Save node still shows its image');
  await page.locator('[data-testid="tab-close"]').nth(1).click();
  await waitFor(page, () => (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<unknown> } }).document.querySelectorAll('[data-testid="tab"]').length === 1, undefined, 5_000);

  // An edit (the Empty Image node dragged by its title), then Ctrl+Z: it moves back, and the Save
  // node, rebuilt by the undo like every node, still shows its image.
  const emptyX = () => page.evaluate(() => (globalThis as unknown as { switchyardEditor: { graph: { _nodes: { type: string; pos: [number, number] }[] } } }).switchyardEditor.graph._nodes.find((n) => n.type === 'image.empty')!.pos[0]);
  const startX = await emptyX();
  const title = await pointOf(page, 'image.empty', { kind: 'title' });
  await drag(page, title, { x: title.x + 40, y: title.y + 30 });
  assert.notEqual(await emptyX(), startX, 'the drag moved the node');
  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+z');
  await waitFor(page, (x) => (globalThis as unknown as { switchyardEditor: { graph: { _nodes: { type: string; pos: [number, number] }[] } } }).switchyardEditor.graph._nodes.find((n) => n.type === 'image.empty')?.pos[0] === x, startX, 5_000);
  assert.deepEqual(await saveOutput(), before, 'after the undo the Save node still shows its image');

  // Deleting the node releases its image (a closed ImageBitmap reads 0 × 0); undo brings the node back.
  await page.evaluate(() => {
    const editor = (globalThis as unknown as { switchyardEditor: { graph: { _nodes: { type: string; runState: { images: unknown[] } }[] } } }).switchyardEditor;
    (globalThis as unknown as { keptImage: unknown }).keptImage = editor.graph._nodes.find((n) => n.type === 'image.save')!.runState.images[0];
  });
  await page.evaluate(() => {
    const editor = (globalThis as unknown as { switchyardEditor: { canvas: { selectNode(node: unknown): void }; graph: { _nodes: { type: string }[] } } }).switchyardEditor;
    editor.canvas.selectNode(editor.graph._nodes.find((n) => n.type === 'image.save'));
  });
  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Delete');
  await waitFor(page, () => !(globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.some((n) => n.type === 'image.save'), undefined, 5_000);
  assert.equal(await page.evaluate(() => ((globalThis as unknown as { keptImage: { width: number } }).keptImage).width), 0, 'the deleted node\'s image is released');
  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+z');
  await waitFor(page, () => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.some((n) => n.type === 'image.save'), undefined, 5_000);
});

test('the workflow saves to the server and opens again after a reload', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await page.keyboard.press('Control+s');
  await page.fill('[data-testid="dialog-input"]', 'e2e/image-chain');
  await page.click('[data-testid="dialog-ok"]');
  await waitFor(page, () => (globalThis as unknown as EditorGlobal).switchyardEditor.ctx.workflowName === 'e2e/image-chain' && !(globalThis as unknown as EditorGlobal).switchyardEditor.ctx.modified, undefined);
  const stored = await server.request('/api/workflows/e2e/image-chain');
  assert.equal(stored.status, 200);
  assert.equal(stored.body.nodes.length, 3);
  assert.equal(stored.body.extra.switchyard.schemaVersion, 1);
  const empty = stored.body.nodes.find((node: { type: string }) => node.type === 'image.empty');
  assert.equal(empty.properties.switchyard.values.width, 64, 'values are saved keyed by input name');

  await page.reload();
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  assert.deepEqual((await graphSummary()).nodes, []);
  await page.click('[data-testid="open"]');
  await page.click('[data-testid="choice"][data-label="e2e/image-chain"]');
  await waitFor(page, (count) => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.length === count, 3);
  assert.deepEqual(await graphSummary(), { nodes: ['image.empty', 'image.invert', 'image.save'], links: 2, widths: [64] });
  assert.equal(await page.locator('[data-testid="workflow-name"]').textContent(), 'e2e/image-chain');
  await screenshot('03-reopened');
});

test('a validation error from the server is drawn on the offending node', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  // A second Save node with nothing connected: its required "images" input is missing.
  await page.fill('[data-testid="palette-search"]', 'save image');
  const canvasBox = (await page.locator('#graph-canvas').boundingBox())!;
  await page.locator('[data-testid="palette-item"][data-type="image.save"]').dragTo(page.locator('#graph-canvas'), { targetPosition: { x: canvasBox.width / 2, y: canvasBox.height - 200 } });
  await page.click('[data-testid="run"]');
  await page.waitForSelector('#status[data-kind="error"]', { timeout: 10_000 });
  const marked = await page.evaluate(() => {
    interface EditorWindow { switchyardEditor: { graph: { _nodes: { type: string; has_errors?: boolean; inputs: { link: number | null }[]; runState: { validation: { message: string; input?: string }[] } }[] } } }
    return (globalThis as unknown as EditorWindow).switchyardEditor.graph._nodes
      .filter((node) => node.has_errors)
      .map((node) => ({ type: node.type, linked: node.inputs.some((input) => input.link != null), inputs: node.runState.validation.map((mark) => mark.input), message: node.runState.validation[0]?.message ?? '' }));
  });
  assert.equal(marked.length, 1, JSON.stringify(marked));
  assert.equal(marked[0]!.type, 'image.save');
  assert.equal(marked[0]!.linked, false, 'the unconnected Save node is the one marked');
  assert.deepEqual(marked[0]!.inputs, ['images']);
  assert.match(marked[0]!.message, /images/);
  assert.match((await page.locator('#status').textContent()) ?? '', /Not run/);
  await screenshot('04-validation-error');
});

test('a node type the server does not know opens as a missing node and saves back unchanged', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  assert.equal((await server.request('/api/workflows/e2e/with-missing', { method: 'PUT', body: WITH_MISSING_NODE })).status, 201);
  await page.click('[data-testid="open"]');
  await page.click('[data-testid="choice"][data-label="e2e/with-missing"]');
  await waitFor(page, (count) => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.length === count, 2);
  assert.match((await page.locator('#status').textContent()) ?? '', /missing node type\(s\): Mystery\.Upscaler/);
  const missing = await page.evaluate(() => {
    interface EditorWindow { switchyardEditor: { graph: { _nodes: { type: string; title: string; kind?: string; has_errors?: boolean }[] } } }
    const node = (globalThis as unknown as EditorWindow).switchyardEditor.graph._nodes.find((n) => n.type === 'Mystery.Upscaler')!;
    return { title: node.title, kind: node.kind, flagged: node.has_errors === true };
  });
  assert.deepEqual(missing, { title: 'Mystery.Upscaler (missing)', kind: 'missing', flagged: true });
  await screenshot('05-missing-node');

  // Move it (an edit), save, and compare what the server stored with what was loaded.
  await drag(page, await pointOf(page, 'Mystery.Upscaler', { kind: 'title' }), await pointOf(page, undefined, { kind: 'graph', x: 420, y: 300 }));
  await page.keyboard.press('Control+s');
  await page.locator('#status', { hasText: /^Saved “e2e\/with-missing”/ }).waitFor({ timeout: 10_000 });
  const stored = (await server.request('/api/workflows/e2e/with-missing')).body;
  const before = WITH_MISSING_NODE.nodes[1]!;
  const after = stored.nodes.find((node: { id: number }) => node.id === 2);
  for (const key of ['type', 'properties', 'widgets_values', 'custom_field', 'size', 'mode'] as const) assert.deepEqual(after[key], before[key], key);
  assert.deepEqual(after.inputs, before.inputs, 'slots keep their fields and their link');
  assert.deepEqual(after.outputs.map((o: { name: string; type: string }) => [o.name, o.type]), [['IMAGE', 'IMAGE']]);
  assert.notDeepEqual(after.pos, before.pos, 'the move was saved');
  assert.ok(!('color' in after) && !('bgcolor' in after), 'the missing look is not written into the file');
});

test('under an API token: ?token= is taken once, kept for the tab, and sent with every call and the socket', { skip }, async (t) => {
  requireEditor();
  const token = 'editor-e2e-token';
  const guarded = await startTestServer({ token });
  t.after(() => guarded.dispose());
  const page = await browser.context.newPage();
  t.after(() => page.close());
  await page.goto(`${guarded.url}/?token=${token}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  assert.equal(new URL(page.url()).search, '', 'the token left the address bar');
  // An example in the API format opens (laid out as a graph) and runs: the output image is
  // fetched with the token, and the live events arrive over the authenticated socket.
  await page.click('[data-testid="open"]');
  await page.click('[data-testid="choice"][data-label="basics/image-chain"]');
  await waitFor(page, (count) => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.length === count, 4);
  await page.click('[data-testid="run"]');
  await waitFor(page, () => ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((n) => n.type === 'image.save')?.runState.images.length ?? 0) > 0, undefined);
  await page.screenshot({ path: join(artifacts, '06-token-example-run.png') });

  // A tab without the token asks for it.
  const other = await browser.context.newPage();
  t.after(() => other.close());
  await other.goto(`${guarded.url}/`);
  await other.fill('[data-testid="dialog-input"]', token);
  await other.click('[data-testid="dialog-ok"]');
  await other.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  assert.match((await other.locator('#status').textContent()) ?? '', /Ready/);
});

test('the page reported no errors', { skip }, () => {
  assert.deepEqual(browser.problems.filter((line) => !/Failed to load resource: the server responded with a status of 400/.test(line)), []);
});
