/**
 * Combo options follow the server: an image uploaded (or a model folder added) while the editor
 * is open shows up in the LoadImage / checkpoint combos of nodes already on the canvas and of
 * new ones, once the window regains focus or a run ends — without reloading the page.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type { TestServer } from '../helpers/server.js';
import { browserUnavailable, waitFor, type Browser } from './browser.js';
import { requireEditor, useEditorSession } from './session.js';

const skip = browserUnavailable();
let server: TestServer;
let browser: Browser;

interface OptionsWindow {
  switchyardEditor: {
    graph: { _nodes: { type: string; widgets?: { name: string; value: unknown; options?: { values?: unknown[] } }[] }[] };
    ctx: { descriptions: { type: string; inputs: { name: string; options?: string[] }[] }[] };
  };
  dispatchEvent(event: unknown): boolean;
  Event: new (type: string) => unknown;
}

async function png(colour: number): Promise<string> {
  const buffer = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: colour, g: 0, b: 0 } } }).png().toBuffer();
  return buffer.toString('base64');
}

useEditorSession(async (session) => {
  requireEditor();
  ({ server, browser } = session);
  const first = await server.request('/api/uploads', { method: 'POST', body: { filename: 'first.png', data: await png(10) } });
  assert.equal(first.status, 201);
  const workflow = { nodes: { 1: { type: 'image.load', inputs: { image: first.body.name } }, 2: { type: 'image.preview', inputs: { images: ['1', 0] } } } };
  assert.equal((await server.request('/api/workflows/e2e/load-image', { method: 'PUT', body: workflow })).status, 201);
});

/** The options of the canvas's LoadImage widget, and of the LoadImage description (new nodes). */
function imageOptions(): Promise<{ widget: unknown[]; description: string[] }> {
  return browser.page.evaluate(() => {
    const { graph, ctx } = (globalThis as unknown as OptionsWindow).switchyardEditor;
    const widget = graph._nodes.find((node) => node.type === 'image.load')?.widgets?.find((w) => w.name === 'image');
    const description = ctx.descriptions.find((d) => d.type === 'image.load')?.inputs.find((input) => input.name === 'image');
    return { widget: widget?.options?.values ?? [], description: description?.options ?? [] };
  });
}

test('an image uploaded while the editor is open appears in the LoadImage combo when the window regains focus', { skip }, async () => {
  const { page } = browser;
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  await page.click('[data-testid="open"]');
  await page.click('[data-testid="choice"][data-label="e2e/load-image"]');
  await page.locator('#status', { hasText: 'Opened “e2e/load-image”' }).waitFor({ timeout: 10_000 });
  const before = await imageOptions();
  assert.deepEqual(before.widget, ['first.png']);

  const second = await server.request('/api/uploads', { method: 'POST', body: { filename: 'second.png', data: await png(200) } });
  assert.equal(second.status, 201);
  assert.deepEqual((await imageOptions()).widget, ['first.png'], 'nothing changes before the editor asks');
  await page.evaluate(() => {
    const win = globalThis as unknown as OptionsWindow;
    win.dispatchEvent(new win.Event('focus'));
  });
  await waitFor(page, () => {
    const { graph } = (globalThis as unknown as OptionsWindow).switchyardEditor;
    const values = graph._nodes.find((node) => node.type === 'image.load')?.widgets?.find((w) => w.name === 'image')?.options?.values ?? [];
    return values.includes('second.png');
  }, undefined);
  const after = await imageOptions();
  assert.deepEqual([...after.widget].sort(), ['first.png', 'second.png']);
  assert.deepEqual([...after.description].sort(), ['first.png', 'second.png'], 'new LoadImage nodes list it too');
  // The value chosen before stays chosen.
  const value = await page.evaluate(() => (globalThis as unknown as OptionsWindow).switchyardEditor.graph._nodes.find((node) => node.type === 'image.load')?.widgets?.find((w) => w.name === 'image')?.value);
  assert.equal(value, 'first.png');
});

test('the page reported no errors', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
