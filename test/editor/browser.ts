/**
 * Driving the editor in Debian's Chromium with playwright-core: launching it the way this
 * machine allows (its own profile folder, no background networking), and turning graph-space
 * positions of nodes, sockets and widgets into page coordinates so tests act with the mouse
 * like a person would. The page exposes its live objects as `window.switchyardEditor`.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/repo.js';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Why the server cannot serve the editor (no build in editor/dist), or undefined when it can. */
export function editorNotBuilt(): string | undefined {
  return existsSync(join(repoRoot, 'editor', 'dist', 'index.html')) ? undefined : 'the editor is not built: run node editor/build.mjs (npm test does it)';
}

/** The editor's sessionStorage key for the tabs it reopens after a reload (editor/src/app/tab-session.ts). */
export const TAB_SESSION_KEY = 'switchyard.editor.tabs';

export const CHROMIUM_PATH = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can. */
export function browserUnavailable(): string | undefined {
  return existsSync(CHROMIUM_PATH)
    ? undefined
    : `no Chromium at ${CHROMIUM_PATH}: install it (apt-get install -y chromium; \`npm test\` does so when run as root) or point SWITCHYARD_CHROMIUM at one`;
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Everything the page logged as an error or threw, for assertions. */
  readonly problems: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'switchyard-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Every load of this page starts with no tabs kept from before (the editor reopens them after
  // a reload, app/tab-session.ts): tests here navigate one page from test to test. A test of the
  // reopening uses a page of its own.
  await page.addInitScript({ content: `try { sessionStorage.removeItem(${JSON.stringify(TAB_SESSION_KEY)}); } catch {}` });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => void dialog.accept());
  return {
    context,
    page,
    problems,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface Point {
  x: number;
  y: number;
}

/** Where on the page a place on the canvas is; `where` is evaluated in the page with `node`. */
type Where =
  | { kind: 'title' }
  | { kind: 'output'; slot: number }
  | { kind: 'input'; name: string }
  | { kind: 'widget'; name: string }
  | { kind: 'graph'; x: number; y: number }
  | { kind: 'group-title'; index: number }
  | { kind: 'link-centre'; inputOf: number; input: string };

/**
 * The page point of a place on the canvas: on a node — found by id (a number) or by type (a
 * string: the first node of that type) — or of a group, a link or a graph point.
 */
export async function pointOf(page: Page, nodeRef: string | number | undefined, where: Where): Promise<Point> {
  return page.evaluate(([ref, place]) => {
    interface Node {
      id: number;
      type: string;
      pos: [number, number];
      size: [number, number];
      inputs: { name: string; link: number | null }[];
      widgets?: { name: string; y: number }[];
      getOutputPos(slot: number): [number, number];
      getInputPos(slot: number): [number, number];
    }
    interface EditorWindow {
      switchyardEditor: {
        graph: { _nodes: Node[]; _groups: { pos: [number, number] }[]; links: Map<number, { _pos: [number, number] }> };
        canvas: { ds: { convertOffsetToCanvas(pos: [number, number]): [number, number] }; canvas: { getBoundingClientRect(): { left: number; top: number } }; draw(foreground: boolean, background: boolean): void };
      };
    }
    const editor = (globalThis as unknown as EditorWindow).switchyardEditor;
    let graphPoint: [number, number];
    if (place.kind === 'graph') graphPoint = [place.x, place.y];
    else if (place.kind === 'group-title') {
      const group = editor.graph._groups[place.index];
      if (!group) throw new Error(`no group ${place.index}`);
      graphPoint = [group.pos[0] + 60, group.pos[1] + 12];
    } else if (place.kind === 'link-centre') {
      const target = editor.graph._nodes.find((n) => n.id === place.inputOf);
      const linkId = target?.inputs.find((input) => input.name === place.input)?.link;
      const link = linkId === null || linkId === undefined ? undefined : editor.graph.links.get(linkId);
      if (!link) throw new Error(`no link into input ${place.input} of node ${place.inputOf}`);
      graphPoint = link._pos;
    } else {
      const node = editor.graph._nodes.find((n) => (typeof ref === 'number' ? n.id === ref : n.type === ref));
      if (!node) throw new Error(`no node ${typeof ref === 'number' ? ref : `of type ${String(ref)}`} on the canvas`);
      if (place.kind === 'title') graphPoint = [node.pos[0] + 30, node.pos[1] - 15];
      else if (place.kind === 'output') graphPoint = node.getOutputPos(place.slot);
      else if (place.kind === 'input') graphPoint = node.getInputPos(node.inputs.findIndex((input) => input.name === place.name));
      else {
        // Widgets get their y when drawn: a graph just loaded (an undo, a tab) has not been yet.
        editor.canvas.draw(true, true);
        const widget = node.widgets?.find((w) => w.name === place.name);
        if (!widget) throw new Error(`node ${String(ref)} has no widget ${place.name}`);
        graphPoint = [node.pos[0] + node.size[0] / 2, node.pos[1] + widget.y + 10];
      }
    }
    // litegraph's naming: "offset" is graph space, "canvas" the element's pixels.
    const [x, y] = editor.canvas.ds.convertOffsetToCanvas(graphPoint);
    const rect = editor.canvas.canvas.getBoundingClientRect();
    return { x: rect.left + x, y: rect.top + y };
  }, [nodeRef, where] as const);
}

/**
 * Double-clicks empty canvas at `at` as a person would, and waits for litegraph's quick search.
 * The presses are 30 ms apart: Playwright's plain dblclick sends both at once, and when Chromium
 * stamps them with the same time, litegraph (which wants 0 < gap < 300 ms) sees no double-click.
 */
export async function openQuickSearch(page: Page, at: Point): Promise<void> {
  await page.mouse.dblclick(at.x, at.y, { delay: 30 });
  await page.locator('[data-testid="quick-search"]').waitFor({ timeout: 10_000 });
}

/** Drags a palette entry (found by typing `search`) onto the canvas at (x, y) from the canvas's top-left. */
export async function addFromPalette(page: Page, search: string, type: string, x: number, y: number): Promise<void> {
  await page.fill('[data-testid="palette-search"]', search);
  await page.locator(`[data-testid="palette-item"][data-type="${type}"]`).dragTo(page.locator('#graph-canvas'), { targetPosition: { x, y } });
}

/** Presses at `from`, moves in steps (litegraph follows pointer moves), releases at `to`. */
export async function drag(page: Page, from: Point, to: Point): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 6 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

/** The part of the page's `window.switchyardEditor` tests read (see editor/src/main.ts). */
export interface PageNode {
  type: string;
  title: string;
  /** Kept-as-is nodes: "missing" or "virtual" (ComfyUI class names the server knows are real nodes). */
  kind?: string;
  has_errors?: boolean;
  inputs: { name: string; link: number | null }[];
  widgets?: { name: string; value: unknown }[];
  runState: { status: string; durationMs?: number; images: { width: number; height: number }[]; validation: { message: string; input?: string }[] };
}

export interface EditorGlobal {
  switchyardEditor: {
    graph: { _nodes: PageNode[]; links: Map<number, unknown> | Record<string, unknown> };
    ctx: { workflowName?: string; modified: boolean };
  };
}

/**
 * Polls `check` in the page until it answers true (or the time is up). A function, not a string:
 * the editor's Content-Security-Policy forbids evaluating strings, and tests keep that policy on.
 */
export async function waitFor<A>(page: Page, check: (arg: A) => boolean, arg: A, timeoutMs = 20_000): Promise<void> {
  await page.waitForFunction(check as (arg: unknown) => boolean, arg, { timeout: timeoutMs, polling: 100 });
}
