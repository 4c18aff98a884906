/**
 * `npm run bench:editor`: the browser editor's speed in Debian's Chromium (playwright-core)
 * against a local server. Prints:
 *   - page load of `/`, cold (browser cache cleared) and warm: first paint, first contentful
 *     paint, DOMContentLoaded and "ready" (node types registered, canvas up), median and worst
 *     of BENCH_LOADS loads; and the bytes of the script and stylesheet on the wire and unpacked;
 *   - a generated 300-node graph (test/editor/big-graph.ts): import time, then frame times
 *     while panning at full detail (widgets drawn), panning zoomed out to the whole graph, and
 *     zooming in and out: requestAnimationFrame deltas and litegraph's own draw time, p50/p95/max.
 * The targets (issue 4): first paint under a second, a smooth canvas (frames near 16.7 ms).
 * Tests never assert times; this is where they are looked at.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { bigGraph, type DescriptionView } from '../test/editor/big-graph.js';
import { browserUnavailable, launchBrowser } from '../test/editor/browser.js';
import { startTestServer } from '../test/helpers/server.js';

const LOADS = Number(process.env.BENCH_LOADS ?? 7);
const FRAMES = Number(process.env.BENCH_FRAMES ?? 150);
const NODES = Number(process.env.BENCH_NODES ?? 300);

function table(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((cell, index) => Math.max(cell.length, ...rows.map((row) => row[index]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!))).join(' | ')} |`;
  process.stdout.write(`\n${title}\n${line(header)}\n|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : '—');
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

interface LoadTiming { firstPaint: number; firstContentfulPaint: number; domContentLoaded: number; ready: number; resources: { name: string; transfer: number; encoded: number; decoded: number }[] }

/** The few browser globals the page-side functions use (the bench compiles without the DOM library). */
interface PageGlobals {
  __readyAt?: number;
  document: { body: { dataset: Record<string, string | undefined> } | null };
  MutationObserver: new (callback: () => void) => { observe(target: unknown, options: { attributes: boolean; subtree: boolean; attributeFilter: string[] }): void };
  requestAnimationFrame(callback: (time: number) => void): number;
  performance: {
    now(): number;
    getEntriesByName(name: string): { startTime: number }[];
    getEntriesByType(type: string): { name: string; domContentLoadedEventEnd?: number; transferSize?: number; encodedBodySize?: number; decodedBodySize?: number }[];
  };
}

/** Records when the editor says it is ready (body[data-ready]), in the page's own clock. */
function recordReady(): void {
  const page = globalThis as unknown as PageGlobals;
  const observer = new page.MutationObserver(() => {
    if (page.document.body?.dataset.ready === 'true' && page.__readyAt === undefined) page.__readyAt = page.performance.now();
  });
  observer.observe(page.document, { attributes: true, subtree: true, attributeFilter: ['data-ready'] });
}

async function loadOnce(page: Page, url: string): Promise<LoadTiming> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page.evaluate(() => {
    const { performance: timing, __readyAt: readyAt } = globalThis as unknown as PageGlobals;
    const paint = (name: string) => timing.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
    const resources = timing.getEntriesByType('resource')
      .filter((entry) => /\/assets\/.*\.(js|css)$/.test(entry.name))
      .map((entry) => ({ name: entry.name.replace(/^.*\/assets\//, ''), transfer: entry.transferSize ?? 0, encoded: entry.encodedBodySize ?? 0, decoded: entry.decodedBodySize ?? 0 }));
    return {
      firstPaint: paint('first-paint'),
      firstContentfulPaint: paint('first-contentful-paint'),
      domContentLoaded: timing.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? Number.NaN,
      ready: readyAt ?? Number.NaN,
      resources,
    };
  });
}

interface FrameStats { deltas: number[]; draws: number[] }

/**
 * Moves the view for `FRAMES` frames (`move(canvas, frame)` each frame) and answers the
 * requestAnimationFrame deltas and litegraph's draw durations meanwhile.
 */
async function measureFrames(page: Page, motion: 'pan-detail' | 'pan-overview' | 'zoom'): Promise<FrameStats> {
  return page.evaluate(([kind, frames]) => new Promise<FrameStats>((resolve) => {
    interface Canvas { ds: { scale: number; offset: [number, number]; changeScale(value: number, zoomingCenter: [number, number]): void }; draw(fg?: boolean, bg?: boolean): void; setDirty(fg: boolean, bg: boolean): void; canvas: { getBoundingClientRect(): { width: number; height: number } } }
    const { performance: timing, requestAnimationFrame: nextFrame } = globalThis as unknown as PageGlobals;
    const canvas = (globalThis as unknown as { switchyardEditor: { canvas: Canvas } }).switchyardEditor.canvas;
    const rect = canvas.canvas.getBoundingClientRect();
    if (kind === 'pan-detail') {
      canvas.ds.scale = 1;
      canvas.ds.offset = [0, 40];
    } else if (kind === 'pan-overview') {
      canvas.ds.scale = Math.min(rect.width / 5000, rect.height / 5400);
      canvas.ds.offset = [20, 60];
    } else {
      canvas.ds.scale = 0.5;
      canvas.ds.offset = [0, 40];
    }
    const draws: number[] = [];
    const deltas: number[] = [];
    const draw = canvas.draw;
    canvas.draw = function timed(this: Canvas, fg?: boolean, bg?: boolean) {
      const started = timing.now();
      draw.call(this, fg, bg);
      draws.push(timing.now() - started);
    };
    let frame = 0;
    let last = 0;
    const step = (time: number) => {
      if (last > 0) deltas.push(time - last);
      last = time;
      if (kind === 'zoom') {
        // Zoom in and out around the middle: 0.5 → 1.5 → 0.5 …
        const factor = Math.floor(frame / 30) % 2 === 0 ? 1.035 : 1 / 1.035;
        canvas.ds.changeScale(canvas.ds.scale * factor, [rect.width / 2, rect.height / 2]);
      } else {
        // Down and across the rows, as a drag would.
        canvas.ds.offset[0] -= kind === 'pan-detail' ? 12 : 0.6;
        canvas.ds.offset[1] -= kind === 'pan-detail' ? 6 : 0.3;
      }
      canvas.setDirty(true, true);
      if (++frame < frames) nextFrame(step);
      else {
        canvas.draw = draw;
        resolve({ deltas, draws });
      }
    };
    nextFrame(step);
  }), [motion, FRAMES] as const);
}

async function main(): Promise<void> {
  const missing = browserUnavailable();
  if (missing) {
    process.stderr.write(`bench:editor needs Chromium: ${missing}\n`);
    process.exitCode = 1;
    return;
  }
  const server = await startTestServer();
  const browser = await launchBrowser();
  const folder = mkdtempSync(join(tmpdir(), 'switchyard-editor-bench-'));
  try {
    const { page } = browser;
    await page.addInitScript(recordReady);
    const cdp = await browser.context.newCDPSession(page);
    const url = `${server.url}/`;
    await loadOnce(page, url); // the server reads the build and node descriptions once
    const cold: LoadTiming[] = [];
    const warm: LoadTiming[] = [];
    for (let index = 0; index < LOADS; index++) {
      await cdp.send('Network.clearBrowserCache');
      cold.push(await loadOnce(page, url));
      warm.push(await loadOnce(page, url));
    }
    const row = (label: string, pick: (timing: LoadTiming) => number): string[] => [label, ms(quantile(cold.map(pick), 0.5)), ms(Math.max(...cold.map(pick))), ms(quantile(warm.map(pick), 0.5)), ms(Math.max(...warm.map(pick)))];
    table(`Page load of / (${LOADS} loads each; target: first paint < 1000 ms)`, ['measure', 'cold p50', 'cold max', 'warm p50', 'warm max'], [
      row('first paint', (t) => t.firstPaint),
      row('first contentful paint', (t) => t.firstContentfulPaint),
      row('DOMContentLoaded', (t) => t.domContentLoaded),
      row('ready (nodes registered, canvas up)', (t) => t.ready),
    ]);
    table('Editor assets (cold load)', ['file', 'on the wire', 'encoded', 'unpacked'], (cold[0]?.resources ?? []).map((r) => [r.name, kib(r.transfer), kib(r.encoded), kib(r.decoded)]));

    const graph = bigGraph((await server.request('/api/nodes')).body as DescriptionView[], NODES);
    const file = join(folder, 'big.json');
    writeFileSync(file, JSON.stringify(graph));
    const started = performance.now();
    const chooser = page.waitForEvent('filechooser');
    await page.click('[data-testid="import"]');
    await (await chooser).setFiles(file);
    await page.waitForFunction((count) => (globalThis as unknown as { switchyardEditor: { graph: { _nodes: unknown[] } } }).switchyardEditor.graph._nodes.length === count, NODES, { polling: 'raf', timeout: 60_000 });
    const imported = performance.now() - started;

    const rows: string[][] = [];
    for (const motion of ['pan-detail', 'pan-overview', 'zoom'] as const) {
      const stats = await measureFrames(page, motion);
      rows.push([motion, ms(quantile(stats.deltas, 0.5)), ms(quantile(stats.deltas, 0.95)), ms(Math.max(...stats.deltas)), ms(quantile(stats.draws, 0.5)), ms(quantile(stats.draws, 0.95)), String(stats.draws.length)]);
    }
    table(`${NODES}-node graph: import ${ms(imported)} (file chooser → all nodes in the graph); ${FRAMES} frames per motion (target: frames ≈ 16.7 ms)`, ['motion', 'frame p50', 'frame p95', 'frame max', 'draw p50', 'draw p95', 'draws'], rows);
    if (browser.problems.length > 0) process.stderr.write(`the page reported: ${browser.problems.join('; ')}\n`);
  } finally {
    await browser.close();
    await server.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
