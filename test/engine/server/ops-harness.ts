/**
 * For the operations tests: a real server like `startTestServer`'s, but whose logger is the
 * server logger (lines captured into the buffer behind `GET /api/logs`, not echoed to the test
 * output), and a way to wait for a run to finish by its queue event rather than by polling.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServerLogger, type LogLevel } from '../../../engine/log/logger.js';
import type { ServerConfigInput } from '../../../engine/server/config.js';
import type { RunRecord } from '../../../engine/queue/types.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { repoRoot } from '../../helpers/repo.js';

export interface OpsServerOptions extends Partial<ServerConfigInput> {
  level?: LogLevel;
  bufferSize?: number;
}

export async function startOpsServer(options: OpsServerOptions = {}): Promise<TestServer> {
  const { level, bufferSize, ...configInput } = options;
  const { log, buffer } = createServerLogger({ level: level ?? 'info', bufferSize, echo: false });
  return startTestServer({ ...configInput, logger: { log, logBuffer: buffer } });
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
