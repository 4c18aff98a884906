/**
 * The life of a browser test file: before its tests, a test server and Debian's Chromium (and
 * the screenshot folder); after them, both closed, even when a later set-up step failed.
 * Nothing starts where Chromium is missing: the file's tests skip, saying why.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/repo.js';
import { startTestServer, type TestServer, type TestServerOptions } from '../helpers/server.js';
import { browserUnavailable, editorNotBuilt, launchBrowser, type Browser } from './browser.js';

/** Where the browser tests write their screenshots. */
export const EDITOR_ARTIFACTS = join(repoRoot, 'test', 'artifacts', 'editor');

export interface EditorSession {
  server: TestServer;
  browser: Browser;
}

/**
 * Registers the file's before/after hooks. `started` gets the server and browser once both run
 * (the file keeps them, and may prepare more: workflows, a first page).
 */
export function useEditorSession(started: (session: EditorSession) => void | Promise<void>, options: TestServerOptions = {}): void {
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  before(async () => {
    if (browserUnavailable()) return;
    mkdirSync(EDITOR_ARTIFACTS, { recursive: true });
    server = await startTestServer(options);
    browser = await launchBrowser();
    await started({ server, browser });
  });
  after(async () => {
    await browser?.close();
    await server?.dispose();
  });
}

/** Fails the test at once, with the reason, when the server has no built editor to serve. */
export function requireEditor(): void {
  const missing = editorNotBuilt();
  if (missing) assert.fail(missing);
}
