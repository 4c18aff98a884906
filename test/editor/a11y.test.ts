/**
 * Accessible basics of the editor (not the dashboard), in Debian's Chromium against a real
 * server, by keyboard only where a person could: Tab walks the toolbar, the palette, the tab
 * strip, the canvas and the runs dock in that order, each stop with a visible focus outline;
 * dialogs open with Enter, close with Escape and give the focus back to what opened them; the
 * palette adds a node from its search box; the dock's tabs follow the arrow keys; a node's menu
 * opens with Shift+F10 and is walked with the arrow keys into a submenu; litegraph's value
 * prompt is labelled and gives the focus back to the canvas. In every state visited (menus,
 * dialogs, a finished run in the Queue and Gallery, the lightbox) every control has an
 * accessible name (Chromium's own accessibility tree, read over CDP) and every text reaches
 * WCAG AA contrast (4.5:1) against what it is drawn on (computed styles, translucent layers
 * composed). The contrast arithmetic itself is checked against known pairs first.
 *
 * Skipped, with the reason, where Chromium is not installed (the set-up installs it as root).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { TestServer } from '../helpers/server.js';
import { contrastRatio, parseColor, parseHex, textContrast } from './contrast.js';
import { browserUnavailable, openQuickSearch, pointOf, waitFor, type Browser } from './browser.js';
import { EDITOR_ARTIFACTS as artifacts, requireEditor, useEditorSession } from './session.js';

const skip = browserUnavailable();
const AA = 4.5;
let server: TestServer;
let browser: Browser;

/** The DOM names used inside page.evaluate (the tests compile without the DOM library). */
interface PageElement {
  tagName: string;
  id: string;
  textContent: string | null;
  className: unknown;
  parentElement: PageElement | null;
  childNodes: ArrayLike<{ nodeType: number; textContent: string | null }>;
  getAttribute(name: string): string | null;
  closest(selector: string): PageElement | null;
  contains(other: unknown): boolean;
  getClientRects(): ArrayLike<unknown>;
  getBoundingClientRect(): { left: number; top: number; width: number; height: number };
}
interface PageScope {
  document: { activeElement: PageElement | null; body: PageElement; documentElement: PageElement; querySelector(selector: string): PageElement | null; querySelectorAll(selector: string): ArrayLike<PageElement> };
  getComputedStyle(element: PageElement): { color: string; backgroundColor: string; backgroundImage: string; visibility: string; opacity: string; outlineStyle: string; outlineWidth: string; boxShadow: string; getPropertyValue(name: string): string };
}
interface EditorPage {
  switchyardEditor: {
    graph: { _nodes: { type: string; pos: [number, number]; size: [number, number]; properties: Record<string, unknown>; widgets?: { name: string; value: unknown; y: number }[]; runState: { status: string; images: unknown[] } }[] };
    canvas: { ds: { convertOffsetToCanvas(pos: [number, number]): [number, number] }; canvas: PageElement };
  };
}

/** What has the focus: its test id, else its role and name, else its tag. */
async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = (globalThis as unknown as PageScope).document.activeElement;
    if (!active || active.tagName === 'BODY') return 'body';
    return active.getAttribute('data-testid') ?? (active.id ? `#${active.id}` : `${active.getAttribute('role') ?? active.tagName.toLowerCase()}:${active.getAttribute('aria-label') ?? active.textContent?.trim().slice(0, 40) ?? ''}`);
  });
}

/** Whether the focused element shows where the focus is (an outline or a ring). */
async function focusShows(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as PageScope;
    const active = scope.document.activeElement;
    if (!active) return false;
    const style = scope.getComputedStyle(active);
    return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none';
  });
}

interface TextSample {
  text: string;
  where: string;
  color: string;
  layers: string[];
}

/** Every visible text on the page with its colour and the background layers under it. */
async function textSamples(page: Page): Promise<TextSample[]> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as PageScope;
    const samples: TextSample[] = [];
    const skipTags = new Set(['SCRIPT', 'STYLE', 'OPTION', 'NOSCRIPT', 'TITLE', 'CANVAS']);
    for (const element of Array.from(scope.document.querySelectorAll('body *'))) {
      if (skipTags.has(element.tagName)) continue;
      const own = Array.from(element.childNodes).filter((child) => child.nodeType === 3).map((child) => child.textContent ?? '').join('').trim();
      if (own === '' || element.getClientRects().length === 0) continue;
      // Disabled controls are exempt (WCAG 1.4.3: inactive user interface components).
      if (element.closest('[disabled], [aria-disabled="true"], .disabled')) continue;
      const style = scope.getComputedStyle(element);
      if (style.visibility === 'hidden') continue;
      const chain: PageElement[] = [];
      for (let at: PageElement | null = element; at; at = at.parentElement) chain.unshift(at);
      if (chain.some((at) => scope.getComputedStyle(at).backgroundImage !== 'none' || Number(scope.getComputedStyle(at).opacity) < 1)) continue;
      const name = typeof element.className === 'string' && element.className ? `.${element.className.trim().split(/\s+/).join('.')}` : '';
      samples.push({
        text: own.slice(0, 40),
        where: `${element.tagName.toLowerCase()}${name}${element.getAttribute('data-testid') ? `[${element.getAttribute('data-testid')}]` : ''}`,
        color: style.color,
        layers: chain.map((at) => scope.getComputedStyle(at).backgroundColor),
      });
    }
    return samples;
  });
}

/** Texts below AA contrast, described. */
async function lowContrast(page: Page): Promise<string[]> {
  const samples = await textSamples(page);
  assert.ok(samples.length > 0, 'there is text to check');
  return samples.map((sample) => ({ sample, ratio: textContrast(sample.color, sample.layers) }))
    .filter(({ ratio }) => ratio < AA)
    .map(({ sample, ratio }) => `${ratio.toFixed(2)}:1 ${sample.where} “${sample.text}” (${sample.color})`);
}

/** The roles that must carry a name; anything focusable must too. */
const NAMED_ROLES = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'switch', 'slider', 'spinbutton', 'tab', 'tabpanel', 'menuitem', 'menu', 'listbox', 'option', 'dialog', 'alertdialog', 'img']);

/** Controls without an accessible name, from Chromium's accessibility tree. */
async function unnamedControls(page: Page): Promise<string[]> {
  const session = await page.context().newCDPSession(page);
  try {
    const { nodes } = await session.send('Accessibility.getFullAXTree');
    const problems: string[] = [];
    for (const node of nodes) {
      if (node.ignored) continue;
      const role = String(node.role?.value ?? '');
      const focusable = node.properties?.some((property) => property.name === 'focusable' && property.value.value === true) ?? false;
      if (role === 'RootWebArea' || (!NAMED_ROLES.has(role) && !focusable)) continue;
      if (String(node.name?.value ?? '').trim() !== '') continue;
      let element = '';
      if (node.backendDOMNodeId !== undefined) {
        const { node: dom } = await session.send('DOM.describeNode', { backendNodeId: node.backendDOMNodeId });
        const attributes = dom.attributes ?? [];
        element = `<${dom.localName}${attributes.map((value, index) => (index % 2 === 0 ? ` ${value}` : `="${value}"`)).join('')}>`;
      }
      problems.push(`${role}: ${element}`);
    }
    return problems;
  } finally {
    await session.detach();
  }
}

/** Names and contrast of everything shown now; `state` says where we are in failures. */
async function audit(page: Page, state: string): Promise<void> {
  assert.deepEqual(await unnamedControls(page), [], `${state}: every control has an accessible name`);
  assert.deepEqual(await lowContrast(page), [], `${state}: every text reaches ${AA}:1`);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
}

useEditorSession((session) => {
  ({ server, browser } = session);
});

test('contrast arithmetic: the WCAG ratios of known pairs', () => {
  assert.equal(contrastRatio(parseHex('#000'), parseHex('#fff')), 21);
  assert.equal(contrastRatio(parseHex('#777777'), parseHex('#ffffff')).toFixed(2), '4.48');
  assert.equal(contrastRatio(parseHex('#767676'), parseHex('#ffffff')).toFixed(2), '4.54');
  assert.deepEqual(parseColor('rgba(255, 123, 114, 0.08)'), { r: 255, g: 123, b: 114, a: 0.08 });
  assert.deepEqual(parseColor('rgb(21 23 28 / 50%)'), { r: 21, g: 23, b: 28, a: 0.5 });
  assert.throws(() => parseColor('color(srgb 1 0 0)'), /not a computed rgb\(\) colour/);
  // Translucent layers are composed: half-black over white is mid grey.
  assert.equal(textContrast('rgb(0, 0, 0)', ['rgb(255, 255, 255)', 'rgba(0, 0, 0, 0)']), 21);
  assert.equal(textContrast('rgb(255, 255, 255)', ['rgb(255, 255, 255)', 'rgba(0, 0, 0, 0.5)']).toFixed(2), '3.98');
});

test('the palette: every text colour reaches AA on every panel colour', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 15_000 });
  const palette = await page.evaluate(() => {
    const scope = globalThis as unknown as PageScope;
    const style = scope.getComputedStyle(scope.document.documentElement);
    const read = (name: string) => style.getPropertyValue(name).trim();
    return Object.fromEntries(['--bg', '--panel', '--panel-2', '--text', '--muted', '--accent', '--ok', '--error', '--accent-strong'].map((name) => [name, read(name)]));
  });
  const failures: string[] = [];
  for (const text of ['--text', '--muted', '--accent', '--ok', '--error']) {
    for (const background of ['--bg', '--panel', '--panel-2']) {
      const ratio = contrastRatio(parseHex(palette[text]!), parseHex(palette[background]!));
      if (ratio < AA) failures.push(`${text} on ${background}: ${ratio.toFixed(2)}`);
    }
  }
  const onAccent = contrastRatio(parseHex('#ffffff'), parseHex(palette['--accent-strong']!));
  if (onAccent < AA) failures.push(`white on --accent-strong: ${onAccent.toFixed(2)}`);
  assert.deepEqual(failures, []);
  // And as drawn: the Run button's white on its fill.
  const run = await page.evaluate(() => {
    const scope = globalThis as unknown as PageScope;
    const style = scope.getComputedStyle(scope.document.querySelector('[data-testid="run"]')!);
    return { color: style.color, background: style.backgroundColor };
  });
  assert.ok(contrastRatio(parseColor(run.color), parseColor(run.background)) >= AA, JSON.stringify(run));
});

test('Tab walks toolbar, palette, tabs, canvas and dock in order, each stop with a visible focus', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await audit(page, 'the page as it opens');
  const stops: string[] = [];
  const unmarked: string[] = [];
  for (let step = 0; step < 120; step++) {
    await page.keyboard.press('Tab');
    const stop = await focused(page);
    if (stops.includes(stop) && stop === stops[0]) break;
    stops.push(stop);
    if (stop !== 'body' && !(await focusShows(page))) unmarked.push(stop);
  }
  const expected = ['new', 'open', 'workflows', 'save', 'save-as', 'export', 'import', 'fit', 'minimap-toggle', 'shortcuts', 'dashboard-link', 'run', 'palette-search', 'tab', 'tab-close', 'tab-new', '#graph-canvas', 'dock-tab-queue', 'dock-toggle'];
  const positions = expected.map((stop) => stops.indexOf(stop));
  assert.ok(positions.every((position) => position >= 0), `every stop is reached: ${stops.join(', ')}`);
  assert.deepEqual([...positions].sort((a, b) => a - b), positions, `in reading order: ${stops.join(', ')}`);
  assert.deepEqual(unmarked, [], 'each stop shows a focus outline');
});

test('dialogs open with Enter, close with Escape, and give the focus back', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  for (const [opener, dialog] of [['shortcuts', 'dialog-shortcuts'], ['open', 'dialog-choose'], ['workflows', 'dialog-workflows']] as const) {
    await page.focus(`[data-testid="${opener}"]`);
    await page.keyboard.press('Enter');
    await page.locator(`[data-testid="${dialog}"]`).waitFor();
    assert.equal(await page.evaluate((id) => {
      const { document } = globalThis as unknown as PageScope;
      return document.querySelector(`[data-testid="${id}"]`)!.contains(document.activeElement);
    }, dialog), true, `${dialog}: the focus is inside`);
    await audit(page, dialog);
    await screenshot(page, `50-a11y-${dialog}`);
    await page.keyboard.press('Escape');
    await page.locator(`[data-testid="${dialog}"]`).waitFor({ state: 'detached' });
    assert.equal(await focused(page), opener, `${dialog}: the focus is back on the button that opened it`);
  }

  // A workflow opened by keyboard alone: Open, filter, Tab to the entry, Enter.
  await page.focus('[data-testid="open"]');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="dialog-choose"]').waitFor();
  await page.keyboard.type('basics/image-chain');
  await page.keyboard.press('Tab');
  assert.equal(await focused(page), 'choice');
  await page.keyboard.press('Enter');
  await waitFor(page, () => (globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.length === 4, undefined);
});

test('the palette adds a node from the keyboard; the dock tabs follow the arrow keys', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  // "+" from the keyboard opens a tab and keeps the focus (the strip is rebuilt around it).
  const tabs = await page.locator('[data-testid="tab"]').count();
  await page.focus('[data-testid="tab-new"]');
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('[data-testid="tab"]').count(), tabs + 1);
  assert.equal(await focused(page), 'tab-new');
  await page.focus('[data-testid="palette-search"]');
  await page.keyboard.type('empty image');
  await page.keyboard.press('ArrowDown');
  assert.equal(await focused(page), 'palette-item');
  await page.keyboard.press('Enter');
  await waitFor(page, () => (globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.some((node) => node.type === 'image.empty'), undefined);

  await page.focus('[data-testid="dock-tab-queue"]');
  await page.keyboard.press('ArrowRight');
  assert.equal(await focused(page), 'dock-tab-gallery');
  assert.equal(await page.getAttribute('[data-testid="dock-tab-gallery"]', 'aria-selected'), 'true');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await focused(page), 'dock-tab-queue');
  await page.focus('[data-testid="dock-toggle"]');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('[data-testid="dock-toggle"]', 'aria-expanded'), 'false');
  await page.keyboard.press('Enter');
  assert.equal(await page.getAttribute('[data-testid="dock-toggle"]', 'aria-expanded'), 'true');
});

test("a node's menu by keyboard: Shift+F10, arrows into a submenu, Enter, Escape; focus back on the canvas", { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await page.focus('#graph-canvas');
  // The node just added from the palette is the selected one.
  await page.keyboard.press('Shift+F10');
  await page.locator('.litecontextmenu[role="menu"]').waitFor();
  assert.equal(await page.getAttribute('.litecontextmenu', 'aria-label'), 'image.empty');
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageScope).document.activeElement?.getAttribute('role')), 'menuitem');
  await audit(page, 'the node menu');
  await screenshot(page, '51-a11y-node-menu');
  let entry = '';
  for (let step = 0; step < 30 && entry !== 'Convert Widget to Input'; step++) {
    await page.keyboard.press('ArrowDown');
    entry = await page.evaluate(() => (globalThis as unknown as PageScope).document.activeElement?.textContent ?? '');
  }
  assert.equal(entry, 'Convert Widget to Input');
  await page.keyboard.press('ArrowRight');
  await waitFor(page, () => (globalThis as unknown as PageScope).document.querySelectorAll('.litecontextmenu').length === 2, undefined);
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageScope).document.activeElement?.textContent), 'Convert width to input');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.locator('.litecontextmenu').count(), 1, 'Left closes the submenu only');
  assert.equal(await page.evaluate(() => (globalThis as unknown as PageScope).document.activeElement?.textContent), 'Convert Widget to Input');
  await page.keyboard.press('ArrowRight');
  await waitFor(page, () => (globalThis as unknown as PageScope).document.querySelectorAll('.litecontextmenu').length === 2, undefined);
  await page.keyboard.press('Enter');
  await page.locator('.litecontextmenu').first().waitFor({ state: 'detached' });
  const converted = await page.evaluate(() => (globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.find((node) => node.type === 'image.empty')!.properties.switchyard_converted_inputs);
  assert.deepEqual(converted, ['width'], 'the entry picked with Enter did its work');
  await waitFor(page, () => (globalThis as unknown as PageScope).document.activeElement?.id === 'graph-canvas', undefined);

  await page.keyboard.press('Shift+F10');
  await page.locator('.litecontextmenu').waitFor();
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('.litecontextmenu').count(), 0);
  assert.equal(await focused(page), '#graph-canvas');
});

test("litegraph's value prompt is labelled and gives the focus back to the canvas", { skip }, async () => {
  requireEditor();
  const { page } = browser;
  const at = await pointOf(page, 'image.empty', { kind: 'widget', name: 'height' });
  await page.mouse.click(at.x, at.y);
  const prompt = page.locator('.graphdialog[role="dialog"]');
  await prompt.waitFor();
  assert.equal(await prompt.getAttribute('aria-label'), 'Edit height');
  await waitFor(page, () => (globalThis as unknown as PageScope).document.activeElement?.getAttribute('aria-label') === 'height', undefined);
  await audit(page, 'the value prompt');
  await page.keyboard.type('40');
  await page.keyboard.press('Enter');
  await prompt.waitFor({ state: 'detached' });
  assert.equal(await focused(page), '#graph-canvas');
  assert.equal(await page.evaluate(() => (globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.find((node) => node.type === 'image.empty')!.widgets!.find((widget) => widget.name === 'height')!.value), 40);

  // The quick search (double-click on empty canvas) also gives the focus back when it closes.
  const box = (await page.locator('#graph-canvas').boundingBox())!;
  await openQuickSearch(page, { x: box.x + 40, y: box.y + box.height - 60 });
  await audit(page, 'the quick search');
  await page.keyboard.press('Escape');
  assert.equal(await page.locator('[data-testid="quick-search"]').count(), 0);
  assert.equal(await focused(page), '#graph-canvas');
});

test('after a run: the Queue, its details, the Gallery and the lightbox are named and readable', { skip }, async () => {
  requireEditor();
  const { page } = browser;
  await page.locator('[data-testid="tab"]').first().click();
  await waitFor(page, () => (globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.length === 4, undefined);
  await page.focus('#graph-canvas');
  await page.keyboard.press('Control+Enter');
  await waitFor(page, () => ((globalThis as unknown as EditorPage).switchyardEditor.graph._nodes.find((node) => node.type === 'image.save')?.runState.images.length ?? 0) > 0, undefined);
  await page.click('[data-testid="dock-tab-queue"]');
  await page.locator('[data-testid="run-row"][data-status="success"]').first().waitFor();
  await page.locator('[data-testid="run-open"]').first().click();
  await audit(page, 'the Queue with a run open');
  await screenshot(page, '52-a11y-queue');
  await page.click('[data-testid="dock-tab-gallery"]');
  await page.locator('#dock-panel-gallery [data-testid="gallery-item"]').first().waitFor();
  await audit(page, 'the Gallery');
  await page.focus('#dock-panel-gallery [data-testid="gallery-full"]');
  await page.keyboard.press('Enter');
  await page.locator('[data-testid="lightbox"]').waitFor();
  await audit(page, 'the lightbox');
  await screenshot(page, '53-a11y-lightbox');
  await page.keyboard.press('Escape');
  await page.locator('[data-testid="lightbox"]').waitFor({ state: 'detached' });
  assert.equal(await focused(page), 'gallery-full', 'the focus is back on the card that opened it');
});

test('the page reported no errors', { skip }, () => {
  assert.deepEqual(browser.problems, []);
});
