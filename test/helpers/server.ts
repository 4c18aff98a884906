/**
 * A real server for HTTP tests: `startTestServer()` starts Switchyard on a free loopback port
 * with a fresh temp data folder (or a given one, to test restarts) and answers its URL, a
 * `request` helper for JSON round trips, and `close()` (graceful; the data folder stays until
 * `dispose()`). Extra node packs (test-only node types) come in through `packsDirs`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../engine/log/logger.js';
import { resolveServerConfig, type ServerConfigInput } from '../../engine/server/config.js';
import { startServer, type RunningServer, type StartServerOptions } from '../../engine/server/server.js';

export interface TestServerOptions extends Partial<ServerConfigInput> {
  /** Folders of extra packs (e.g. test/fixtures/packs/...). */
  packsDirs?: string[];
  /** The server's logger and the buffer it writes into (default: a silent logger, no buffer). */
  logger?: Pick<StartServerOptions, 'log' | 'logBuffer'>;
}

export interface TestServer {
  readonly url: string;
  readonly dataDir: string;
  readonly server: RunningServer;
  /** fetch against the server; JSON bodies are sent as JSON. Answers status, headers and the parsed (or text) body. */
  request(path: string, init?: { method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  close(): Promise<void>;
  /** close() and remove the data folder. */
  dispose(): Promise<void>;
}

export async function makeDataDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'switchyard-server-test-'));
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const { packsDirs, logger, ...configInput } = options;
  const dataDir = configInput.dataDir ?? (await makeDataDir());
  const config = resolveServerConfig({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000, ...configInput, dataDir }, {});
  const log = logger?.log ?? createLogger({ level: (process.env.SWITCHYARD_LOG_LEVEL as 'silent' | undefined) ?? 'silent' });
  const server = await startServer({ config, log, logBuffer: logger?.logBuffer, engine: { packsDirs: packsDirs ?? [], nodeModulesDirs: [] } });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await server.close();
  };
  return {
    url: server.url,
    dataDir,
    server,
    async request(path, init = {}) {
      const headers: Record<string, string> = { ...init.headers };
      let body: string | undefined;
      if (init.body !== undefined) {
        body = typeof init.body === 'string' ? init.body : JSON.stringify(init.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${server.url}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
      const text = await response.text();
      let parsed: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('json') && text.length > 0) parsed = JSON.parse(text);
      return { status: response.status, headers: response.headers, body: parsed, text };
    },
    close,
    async dispose() {
      await close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
