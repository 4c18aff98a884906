/**
 * For the operations tests: a real server like `startTestServer`'s, but whose logger is the
 * server logger (lines captured into the buffer behind `GET /api/logs`, not echoed to the test
 * output), and a way to wait for a run to finish by its queue event rather than by polling.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createServerLogger, type LogLevel } from '../../../engine/log/logger.js';
import { resolveServerConfig, type ServerConfigInput } from '../../../engine/server/config.js';
import { startServer } from '../../../engine/server/server.js';
import type { RunRecord } from '../../../engine/queue/types.js';
import { makeDataDir, type TestServer } from '../../helpers/server.js';
import { repoRoot } from '../../helpers/repo.js';

export interface OpsServerOptions extends Partial<ServerConfigInput> {
  level?: LogLevel;
  bufferSize?: number;
}

export async function startOpsServer(options: OpsServerOptions = {}): Promise<TestServer> {
  const { level, bufferSize, ...configInput } = options;
  const dataDir = configInput.dataDir ?? (await makeDataDir());
  const config = resolveServerConfig({ host: '127.0.0.1', port: 0, shutdownTimeoutMs: 2000, ...configInput, dataDir }, {});
  const { log, buffer } = createServerLogger({ level: level ?? 'info', bufferSize, echo: false });
  const server = await startServer({ config, log, logBuffer: buffer, engine: { packsDirs: [], nodeModulesDirs: [] } });
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

/** Collects every finished run from now on; `wait(id)` resolves when that run has finished. */
export function finishedRuns(server: TestServer, timeoutMs = 60_000): { wait(id: string): Promise<RunRecord>; stop(): void } {
  const done = new Map<string, RunRecord>();
  const waiters = new Map<string, (record: RunRecord) => void>();
  const stop = server.server.ctx.queue.on('finished', (record) => {
    done.set(record.id, record);
    waiters.get(record.id)?.(record);
  });
  return {
    wait(id) {
      const known = done.get(id);
      if (known) return Promise.resolve(known);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`run ${id} did not finish within ${timeoutMs} ms`)), timeoutMs);
        timer.unref();
        waiters.set(id, (record) => {
          clearTimeout(timer);
          resolve(record);
        });
      });
    },
    stop,
  };
}

export async function exampleWorkflow(name: string): Promise<unknown> {
  return JSON.parse(await readFile(join(repoRoot, 'workflows', 'basics', `${name}.json`), 'utf8'));
}

/** Submits through `POST /api/runs` and waits for the run to finish. */
export async function runWorkflow(server: TestServer, workflow: unknown): Promise<RunRecord> {
  const finished = finishedRuns(server);
  try {
    const submitted = await server.request('/api/runs', { body: { workflow } });
    if (submitted.status !== 202) throw new Error(`submission refused: ${submitted.status} ${submitted.text}`);
    return await finished.wait(submitted.body.id);
  } finally {
    finished.stop();
  }
}
