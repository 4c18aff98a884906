/**
 * A real NodeContext for node tests: real temp data folders (input, output, temp, models) made
 * with mkdtemp, a real AbortController, and in-memory records of progress calls, previews and
 * log lines. `dispose()` removes the folders. Tests call `node.run(inputs, ctx)` with it.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SwitchyardError } from '../../engine/nodes/index.js';
import type { Folders, ImageValue, Logger, NodeContext, RunWorkflowInfo } from '../../engine/nodes/index.js';
import { NO_MODELS } from '../../engine/execute/executor.js';

export interface RecordedLogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

export interface TestContextOptions {
  runId?: string;
  nodeId?: string;
  workflow?: RunWorkflowInfo;
}

export interface TestNodeContext extends NodeContext {
  /** The temp root holding the four folders. */
  readonly root: string;
  readonly controller: AbortController;
  readonly progressCalls: Array<{ done: number; total: number }>;
  readonly previews: ImageValue[];
  readonly logLines: RecordedLogLine[];
  /** Interrupts the "run": `signal` aborts and `throwIfAborted` throws `interrupted`. */
  abort(reason?: string): void;
  /** Removes the temp folders. */
  dispose(): Promise<void>;
}

function recordingLogger(lines: RecordedLogLine[], bindings: Record<string, unknown>): Logger {
  const write = (level: RecordedLogLine['level']) => (obj: object | string, msg?: string): void => {
    if (typeof obj === 'string') lines.push({ level, fields: { ...bindings }, message: obj });
    else lines.push({ level, fields: { ...bindings, ...(obj as Record<string, unknown>) }, message: msg ?? '' });
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => recordingLogger(lines, { ...bindings, ...more }),
  };
}

export async function createTestContext(options: TestContextOptions = {}): Promise<TestNodeContext> {
  const root = await mkdtemp(join(tmpdir(), 'switchyard-node-test-'));
  const folders: Folders = { input: join(root, 'input'), output: join(root, 'output'), temp: join(root, 'temp'), models: join(root, 'models') };
  for (const dir of Object.values(folders)) await mkdir(dir, { recursive: true });
  const controller = new AbortController();
  const progressCalls: Array<{ done: number; total: number }> = [];
  const previews: ImageValue[] = [];
  const logLines: RecordedLogLine[] = [];
  const runId = options.runId ?? 'test-run';
  const nodeId = options.nodeId ?? '1';
  return {
    root,
    runId,
    nodeId,
    signal: controller.signal,
    controller,
    folders,
    log: recordingLogger(logLines, { runId, nodeId }),
    models: NO_MODELS,
    workflow: options.workflow ?? { prompt: { schemaVersion: 1, nodes: {} } },
    progressCalls,
    previews,
    logLines,
    progress(done, total) {
      progressCalls.push({ done, total });
    },
    preview(image) {
      previews.push(image);
    },
    throwIfAborted() {
      if (controller.signal.aborted) throw new SwitchyardError('interrupted', 'the run was interrupted', { runId, nodeId });
    },
    abort(reason = 'interrupted by test') {
      controller.abort(reason);
    },
    async dispose() {
      await rm(root, { recursive: true, force: true });
    },
  };
}
