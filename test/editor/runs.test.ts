/**
 * The runs dock end to end, in a real browser (Debian's Chromium via playwright-core) against a
 * real server with a fresh data folder and the test pack with a controllable slow node
 * (srvtest.wait): a workflow opened and run from the editor shows in the Queue as done under its
 * name, Re-run queues it again, a queued run is cancelled and a running one stopped from the
 * Queue, the Gallery shows the output images, one opens full size, downloads, and loads the
 * workflow that made it back into the canvas; a run whose image file is broken fails, and its
 * error details open from the failed node's context menu and from the run in the Queue; the
 * dock folds away and works on a narrow window; under an API token the gallery's images load.
 * Screenshots go to test/artifacts/editor/.
 *
 * Skipped, with the reason, where Chromium is not installed (the set-up installs it as root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { repoRoot } from '../helpers/repo.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { browserUnavailable, drag, pointOf, waitFor, type Browser, type EditorGlobal } from './browser.js';
import { EDITOR_ARTIFACTS as artifacts, requireEditor, useEditorSession } from './session.js';

const skip = browserUnavailable();
const TEST_PACKS = join(repoRoot, 'dist', 'test', 'fixtures', 'packs', 'server-runs');
let server: TestServer;
let browser: Browser;

const SMALL = {
  nodes: {
    1: { type: 'image.empty', inputs: { width: 48, height: 32, batch_size: 1, color: 0x3366ff } },
    2: { type: 'image.save', inputs: { images: ['1', 0], filename_prefix: 'e2e/runs' } },
  },
};
/** Waits a minute unless stopped: keeps the queue busy so a second run stays queued. */
const SLOW = { nodes: { 1: { type: 'srvtest.wait', inputs: { ms: 60_000, steps: 600, label: 'slow' } } } };
/** Its image file starts like a PNG (so validation lets it through) and fails to decode. */
const BROKEN = {
  nodes: {
    1: { type: 'image.load', inputs: { image: 'broken.png' } },
    2: { type: 'image.save', inputs: { images: ['1', 0], filename_prefix: 'e2e/broken' } },
  },
};

useEditorSession(async (session) => {
  if (!existsSync(join(TEST_PACKS, 'timing', 'index.js'))) throw new Error(`the test pack is not built at ${TEST_PACKS}: run npx tsc -p tsconfig.json`);
  requireEditor();
  ({ server, browser } = session);
  for (const [name, workflow] of [['e2e/small', SMALL], ['e2e/broken', BROKEN], ['e2e/slow', SLOW]] as const) {
    assert.equal((await server.request(`/api/workflows/${name}`, { method: 'PUT', body: workflow })).status, 201);
  }
  await browser.page.setViewportSize({ width: 1280, height: 720 });
}, { packsDirs: [TEST_PACKS] });

async function screenshot(name: string): Promise<void> {
  await browser.page.screenshot({ path: join(artifacts, `${name}.png`) });
}

/** The part of the page's DOM these checks read (tests compile without the DOM library). */
interface PageElement {
  complete: boolean;
  naturalWidth: number;
  naturalHeight: number;
  getBoundingClientRect(): { width: number };
}
interface PageWindow {
  document: { querySelectorAll(selector: string): ArrayLike<PageElement>; querySelector(selector: string): PageElement | null };
}

const rows = (page: Page, status?: string) => page.locator(`[data-testid="run-row"]${status ? `[data-status="${status}"]` : ''}`);
const row = (page: Page, id: string, status?: string) => page.locator(`[data-testid="run-row"][data-run-id="${id}"]${status ? `[data-status="${status}"]` : ''}`);

async function openWorkflow(page: Page, name: string): Promise<void> {
  await page.click('[data-testid="open"]');
  await page.click(`[data-testid="choice"][data-label="${name}"]`);
  await page.locator('#status', { hasText: `Opened “${name}”` }).waitFor({ timeout: 10_000 });
}

function nodeTypes(page: Page): Promise<string[]> {
  return page.evaluate(() => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.map((node) => node.type).sort());
}

test('a workflow run from the editor shows in the Queue as done, under its name, with its duration', { skip }, async () => {
  const { page } = browser;
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  assert.equal(await page.locator('[data-testid="dock-tab-queue"]').getAttribute('aria-selected'), 'true');
  await page.locator('[data-testid="queue-summary"]', { hasText: 'No runs yet' }).waitFor();
  await openWorkflow(page, 'e2e/small');
  await page.click('[data-testid="run"]');
  await rows(page, 'success').first().waitFor({ timeout: 20_000 });
  const done = rows(page, 'success').first();
  assert.equal(await done.locator('[data-testid="run-name"]').textContent(), 'e2e/small');
  assert.equal(await done.locator('[data-testid="run-status"]').textContent(), 'Done');
  assert.match((await done.locator('[data-testid="run-duration"]').textContent()) ?? '', /^\d+(\.\d+)? (ms|s)$/);

  // Opening it shows its output image and no errors.
  await done.locator('[data-testid="run-open"]').click();
  assert.equal(await done.locator('[data-testid="run-open"]').getAttribute('aria-expanded'), 'true');
  await done.locator('[data-testid="gallery-item"][data-kind="image"] img').waitFor();
  assert.equal(await done.locator('[data-testid="run-error"]').count(), 0);
  await screenshot('runs-01-queue-done');
});

test('Re-run queues the finished run again, under the same name', { skip }, async () => {
  const { page } = browser;
  const first = await rows(page, 'success').first().getAttribute('data-run-id');
  await row(page, first!).locator('[data-testid="run-rerun"]').click();
  await waitFor(page, () => (globalThis as unknown as PageWindow).document.querySelectorAll('[data-testid="run-row"][data-status="success"]').length === 2, undefined);
  const newest = rows(page).first();
  assert.notEqual(await newest.getAttribute('data-run-id'), first);
  assert.equal(await newest.locator('[data-testid="run-name"]').textContent(), 'e2e/small');
  assert.match((await newest.textContent()) ?? '', /re-run/);
  const stored = await server.request(`/api/runs/${await newest.getAttribute('data-run-id')}`);
  assert.equal(stored.body.requeued_from, first);
});

test('a queued run is cancelled and a running one stopped from the Queue', { skip }, async () => {
  const { page } = browser;
  const running = (await server.request('/api/runs', { method: 'POST', body: { workflow: SLOW } })).body.id as string;
  const queued = (await server.request('/api/runs', { method: 'POST', body: { workflow: SLOW } })).body.id as string;
  await row(page, running, 'running').waitFor({ timeout: 10_000 });
  await row(page, queued, 'queued').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('[data-testid="dock-badge-queue"]').textContent(), '2');
  await screenshot('runs-02-queue-live');

  await row(page, queued).locator('[data-testid="run-cancel"]').click();
  await row(page, queued, 'cancelled').waitFor({ timeout: 10_000 });
  assert.equal(await row(page, running).getAttribute('data-status'), 'running', 'cancelling the queued run leaves the running one');
  assert.match((await page.locator('#status').textContent()) ?? '', /^Cancelled run #\d+/);

  await row(page, running).locator('[data-testid="run-cancel"]').click();
  await row(page, running, 'interrupted').waitFor({ timeout: 10_000 });
  assert.equal((await server.request(`/api/runs/${running}`)).body.status, 'interrupted');
  assert.equal((await server.request(`/api/runs/${queued}`)).body.status, 'cancelled');
  assert.equal(await page.locator('[data-testid="dock-badge-queue"]').isHidden(), true);
});

test('the Gallery shows the output images; one opens full size, downloads, and loads its workflow', { skip }, async () => {
  const { page } = browser;
  await page.click('[data-testid="dock-tab-gallery"]');
  const images = page.locator('#dock-panel-gallery [data-testid="gallery-item"][data-kind="image"]');
  await waitFor(page, () => Array.from((globalThis as unknown as PageWindow).document.querySelectorAll('#dock-panel-gallery [data-kind="image"] img')).filter((img) => img.complete && img.naturalWidth > 0).length === 2, undefined);
  assert.equal(await images.count(), 2, 'one image per successful run');
  // The slow runs produced nothing; their texts are not there either.
  assert.equal(await page.locator('#dock-panel-gallery [data-kind="text"]').count(), 0);
  await screenshot('runs-03-gallery');

  await images.first().locator('[data-testid="gallery-open"]').click();
  const lightbox = page.locator('[data-testid="lightbox"]');
  await lightbox.waitFor();
  await waitFor(page, () => ((globalThis as unknown as PageWindow).document.querySelector('[data-testid="lightbox-stage"] img')?.naturalWidth ?? 0) > 0, undefined);
  const size = await page.evaluate(() => {
    const img = (globalThis as unknown as PageWindow).document.querySelector('[data-testid="lightbox-stage"] img')!;
    return [img.naturalWidth, img.naturalHeight];
  });
  assert.deepEqual(size, [48, 32]);
  assert.match((await page.locator('[data-testid="lightbox-caption"]').textContent()) ?? '', /^e2e\/small #\d+, node 2: runs_\d+_\.png \(1 of 2\)$/);
  await screenshot('runs-04-lightbox');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="lightbox-download"]')]);
  assert.match(download.suggestedFilename(), /\.png$/);
  assert.match(download.url(), /download=1/);

  // An empty canvas, then the workflow that made the image.
  await lightbox.locator('[data-testid="lightbox-close"]').click();
  await page.click('[data-testid="new"]');
  assert.deepEqual(await nodeTypes(page), []);
  await images.first().locator('[data-testid="gallery-load-workflow"]').click();
  await page.locator('#status', { hasText: /^Opened the workflow of “e2e\/small” #\d+/ }).waitFor({ timeout: 10_000 });
  assert.deepEqual(await nodeTypes(page), ['image.empty', 'image.save']);
  const width = await page.evaluate(() => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((node) => node.type === 'image.empty')?.widgets?.find((w) => w.name === 'width')?.value);
  assert.equal(width, 48);
});

test('a failed run: error details open from the failed node and from the run in the Queue', { skip }, async () => {
  const { page } = browser;
  writeFileSync(join(server.dataDir, 'input', 'broken.png'), Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]));
  await openWorkflow(page, 'e2e/broken');
  await page.click('[data-testid="run"]');
  await page.click('[data-testid="dock-tab-queue"]');
  await rows(page, 'error').first().waitFor({ timeout: 20_000 });
  await waitFor(page, () => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((node) => node.type === 'image.load')?.runState.status === 'error', undefined);
  const recorded = (await server.request(`/api/runs/${await rows(page, 'error').first().getAttribute('data-run-id')}`)).body.errors[0];
  assert.equal(recorded.node_id, '1');

  // From the node: its context menu.
  const title = await pointOf(page, 'image.load', { kind: 'title' });
  await page.mouse.click(title.x, title.y, { button: 'right' });
  await page.locator('.litecontextmenu .litemenu-entry', { hasText: 'Error details…' }).click();
  const details = page.locator('[data-testid="error-details"]');
  await details.waitFor();
  assert.equal(await details.locator('[data-testid="error-code"]').textContent(), recorded.code);
  assert.equal(await details.locator('[data-testid="error-message"]').textContent(), recorded.message);
  assert.equal(await details.locator('[data-testid="error-node"]').textContent(), '1 · image.load');
  assert.match((await details.locator('[data-testid="error-run"]').textContent()) ?? '', /^#\d+ \(/);
  await screenshot('runs-05-error-details');
  await details.locator('[data-testid="error-details-close"]').click();
  await details.waitFor({ state: 'detached' });

  // From the Queue: open the run, then its error.
  const failed = rows(page, 'error').first();
  assert.equal(await failed.locator('[data-testid="run-status"]').textContent(), 'Failed');
  await failed.locator('[data-testid="run-open"]').click();
  await failed.locator('[data-testid="run-error"]').first().waitFor();
  assert.match((await failed.locator('[data-testid="run-error"]').first().textContent()) ?? '', new RegExp(recorded.code));
  await screenshot('runs-06-queue-failed-run');
  await failed.locator('[data-testid="run-error-details"]').first().click();
  await details.waitFor();
  assert.equal(await details.locator('[data-testid="error-code"]').textContent(), recorded.code);
  // "Show node" selects the failed node on the canvas and closes the panel.
  await details.locator('[data-testid="error-show-node"]').click();
  await details.waitFor({ state: 'detached' });
  const selected = await page.evaluate(() => {
    const editor = (globalThis as unknown as { switchyardEditor: { canvas: { selected_nodes: Record<string, { type: string }> } } }).switchyardEditor;
    return Object.values(editor.canvas.selected_nodes).map((node) => node.type);
  });
  assert.deepEqual(selected, ['image.load']);
});

test('the dock folds away to give the canvas room, and works on a narrow window', { skip }, async () => {
  const { page } = browser;
  const canvasWidth = async () => (await page.locator('#graph-canvas').boundingBox())!.width;
  const open = await canvasWidth();
  await page.click('[data-testid="dock-toggle"]');
  assert.equal(await page.locator('[data-testid="dock-toggle"]').getAttribute('aria-expanded'), 'false');
  assert.equal(await page.locator('#dock-panel-queue').isHidden(), true);
  await waitFor(page, (before) => (globalThis as unknown as PageWindow).document.querySelector('#graph-canvas')!.getBoundingClientRect().width > before + 200, open);
  // A tab on the folded strip unfolds it.
  await page.click('[data-testid="dock-tab-gallery"]');
  assert.equal(await page.locator('[data-testid="dock-toggle"]').getAttribute('aria-expanded'), 'true');
  assert.equal(await page.locator('#dock-panel-gallery').isVisible(), true);

  await page.setViewportSize({ width: 600, height: 900 });
  await page.click('[data-testid="dock-tab-queue"]');
  const dock = (await page.locator('#run-dock').boundingBox())!;
  const canvas = (await page.locator('#graph-canvas').boundingBox())!;
  assert.ok(dock.width > 560, `the dock spans the narrow window (${dock.width}px)`);
  assert.ok(dock.y >= canvas.y + canvas.height - 1, 'the dock sits below the canvas');
  assert.ok(canvas.height > 150, `the canvas keeps room (${canvas.height}px)`);
  assert.equal(await rows(page).first().isVisible(), true);
  await screenshot('runs-07-narrow');
  await page.setViewportSize({ width: 1280, height: 720 });
});

test('under an API token the gallery still shows the images (the token travels in their addresses)', { skip }, async (t) => {
  const token = 'runs-e2e-token';
  const guarded = await startTestServer({ token });
  t.after(() => guarded.dispose());
  const submitted = await guarded.request('/api/runs', { method: 'POST', body: { workflow: SMALL }, headers: { authorization: `Bearer ${token}` } });
  assert.equal(submitted.status, 202);
  const page = await browser.context.newPage();
  t.after(() => page.close());
  await page.goto(`${guarded.url}/?token=${token}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  await page.click('[data-testid="dock-tab-gallery"]');
  await waitFor(page, () => Array.from((globalThis as unknown as PageWindow).document.querySelectorAll('#dock-panel-gallery [data-kind="image"] img')).some((img) => img.complete && img.naturalWidth === 48), undefined);
  assert.match((await page.locator('[data-testid="gallery-download"]').first().getAttribute('href')) ?? '', /download=1&token=runs-e2e-token$/);
});

test('video and audio outputs play in the Gallery: the browser loads them and knows their length', { skip }, async () => {
  const { page } = browser;
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const answer = await server.request('/api/runs', { method: 'POST', body: { workflow: { nodes: { 1: { type: 'srvtest.media', inputs: { name: 'e2e-clip' } } } }, name: 'e2e/media' } });
  assert.equal(answer.status, 202);
  await page.click('[data-testid="dock-tab-gallery"]');
  const video = page.locator('#dock-panel-gallery [data-testid="gallery-item"][data-kind="video"] video');
  const audio = page.locator('#dock-panel-gallery [data-testid="gallery-item"][data-kind="audio"] audio');
  await video.first().waitFor({ timeout: 20_000 });
  await audio.first().waitFor({ timeout: 20_000 });
  // Metadata loaded (readyState ≥ 1) means the browser fetched and parsed the file from its URL.
  interface MediaElement { readyState: number; duration: number; error: { code: number } | null; controls: boolean }
  const loaded = (selector: string) => page.waitForFunction((css) => {
    const element = (globalThis as unknown as { document: { querySelector(s: string): MediaElement | null } }).document.querySelector(css);
    return element !== null && (element.readyState >= 1 || element.error !== null);
  }, selector, { timeout: 20_000, polling: 100 });
  for (const selector of ['#dock-panel-gallery [data-kind="video"] video', '#dock-panel-gallery [data-kind="audio"] audio']) {
    await loaded(selector);
    const state = await page.evaluate((css) => {
      const element = (globalThis as unknown as { document: { querySelector(s: string): MediaElement } }).document.querySelector(css);
      return { error: element.error?.code ?? null, duration: element.duration, controls: element.controls };
    }, selector);
    assert.equal(state.error, null, `${selector} failed to load`);
    assert.ok(Math.abs(state.duration - 1) < 0.2, `${selector} lasts about a second (${state.duration})`);
    assert.equal(state.controls, true, 'a player with controls');
  }
  await page.locator('#dock-panel-gallery [data-kind="video"]').first().scrollIntoViewIfNeeded();
  await screenshot('runs-08-gallery-media');
});

test('a run keeps its live states through an undo, and to the tab that ran it: another tab with the same node ids stays untouched', { skip }, async () => {
  const { page } = browser;
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  // Status and progress bar of the shown tab's node `id`.
  const statusOf = (id: number) => page.evaluate((nodeId) => {
    const node = ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes as unknown as { id: number; runState: { status: string; progress?: number } }[]).find((candidate) => candidate.id === nodeId);
    return `${node?.runState.status} ${node?.runState.progress ?? 'no progress'}`;
  }, id);
  await page.click('[data-testid="dock-tab-queue"]');
  await openWorkflow(page, 'e2e/slow');
  await page.click('[data-testid="run"]');
  await waitFor(page, () => (globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes.find((node) => node.type === 'srvtest.wait')?.runState.status === 'running', undefined);
  // An edit and its undo while the run goes on: the running node stays running and its progress keeps coming.
  const waitNode = () => page.evaluate(() => {
    const node = ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes as unknown as { type: string; pos: [number, number]; runState: { status: string; progress?: number } }[]).find((candidate) => candidate.type === 'srvtest.wait')!;
    return { x: node.pos[0], status: node.runState.status, progress: node.runState.progress ?? -1 };
  });
  const before = await waitNode();
  const title = await pointOf(page, 'srvtest.wait', { kind: 'title' });
  await drag(page, title, { x: title.x + 30, y: title.y + 20 });
  await waitFor(page, (x) => ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes as unknown as { type: string; pos: [number, number] }[]).find((node) => node.type === 'srvtest.wait')!.pos[0] !== x, before.x, 5_000);
  await page.locator('#graph-canvas').focus();
  await page.keyboard.press('Control+z');
  await waitFor(page, (x) => ((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes as unknown as { type: string; pos: [number, number] }[]).find((node) => node.type === 'srvtest.wait')!.pos[0] === x, before.x, 5_000);
  const undone = await waitNode();
  assert.equal(undone.status, 'running', 'still running after the undo');
  await waitFor(page, (seen) => (((globalThis as unknown as EditorGlobal).switchyardEditor.graph._nodes as unknown as { type: string; runState: { progress?: number } }[]).find((node) => node.type === 'srvtest.wait')!.runState.progress ?? -1) > seen, undone.progress, 5_000);
  const runId = await rows(page, 'running').first().getAttribute('data-run-id');
  // The slow workflow's tab is not blank, so this opens in a new tab; its node 1 is an image.empty.
  await openWorkflow(page, 'e2e/small');
  assert.deepEqual(await nodeTypes(page), ['image.empty', 'image.save']);
  // The wait node reports progress every 100 ms: a few of those reach the client meanwhile.
  await page.waitForTimeout(600);
  assert.equal(await statusOf(1), 'idle no progress');
  assert.equal(await statusOf(2), 'idle no progress');
  assert.equal((await server.request(`/api/runs/${runId}`, { method: 'DELETE' })).body.outcome, 'interrupting');
  await row(page, runId!, 'interrupted').waitFor({ timeout: 10_000 });
  assert.equal(await statusOf(1), 'idle no progress');
});

test('the page reported no errors', { skip }, () => {
  // The download's navigation is cancelled by the browser (it becomes a download): not an error of the page.
  assert.deepEqual(browser.problems, []);
});
