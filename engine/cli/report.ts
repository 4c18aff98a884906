/**
 * What the CLI prints: the `--json` run report (files as absolute paths), a human summary,
 * validation errors one per line, and live progress while a run executes.
 */
import { join, resolve, sep } from 'node:path';
import type { RunResult } from '../execute/executor.js';
import type { RunEvent } from '../execute/events.js';
import type { FileRef, Folders } from '../nodes/index.js';
import type { CheckResult } from '../runtime/check.js';

export interface JsonRunReport {
  status: RunResult['status'];
  outputs: Record<string, Record<string, unknown>>;
  executed: string[];
  cached: string[];
  errors: unknown[];
}

const FILE_KEYS = new Set(['images', 'videos', 'audio', 'gifs', 'files']);

function isFileRef(value: unknown): value is FileRef {
  return typeof value === 'object' && value !== null && typeof (value as FileRef).filename === 'string' && typeof (value as FileRef).type === 'string';
}

/** A FileRef as an absolute path, refusing anything that would leave its folder. */
export function fileRefPath(ref: FileRef, folders: Folders): string {
  const base = ref.type === 'input' ? folders.input : ref.type === 'temp' ? folders.temp : folders.output;
  const full = resolve(join(base, ref.subfolder ?? '', ref.filename));
  return full.startsWith(resolve(base) + sep) ? full : resolve(base);
}

export function toJsonReport(result: RunResult, folders: Folders): JsonRunReport {
  const outputs: JsonRunReport['outputs'] = {};
  for (const [nodeId, ui] of Object.entries(result.outputs)) {
    const entry: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(ui ?? {})) {
      entry[key] = FILE_KEYS.has(key) && Array.isArray(value) ? value.map((v) => (isFileRef(v) ? fileRefPath(v, folders) : v)) : value;
    }
    outputs[nodeId] = entry;
  }
  return { status: result.status, outputs, executed: result.executed, cached: result.cached, errors: result.errors };
}

export function renderRunReport(report: JsonRunReport): string {
  const lines: string[] = [];
  lines.push(`${report.status}: ${report.executed.length} executed, ${report.cached.length} cached`);
  for (const [nodeId, output] of Object.entries(report.outputs)) {
    for (const [key, value] of Object.entries(output)) {
      const items = Array.isArray(value) ? value : [value];
      for (const item of items) lines.push(`  node ${nodeId} ${key}: ${typeof item === 'string' ? item : JSON.stringify(item)}`);
    }
  }
  for (const error of report.errors) {
    const e = error as { code?: string; message?: string };
    lines.push(`  error: ${e.message ?? String(error)}${e.code ? ` [${e.code}]` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function renderCheckErrors(check: CheckResult): string {
  const lines = ['invalid workflow:'];
  for (const error of check.errors) lines.push(`  ${error.message} [${error.code}]`);
  // Validation messages already name the node, its type and the input.
  for (const entry of Object.values(check.nodeErrors)) {
    for (const error of entry.errors) lines.push(`  ${error.message} [${error.code}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** Live progress on stderr: one line per node, a redrawn step counter on a terminal. */
export function createProgressPrinter(write: (text: string) => void, isTTY: boolean): { onEvent: (event: RunEvent) => void; done: () => void } {
  let pendingLine = false;
  const endLine = () => {
    if (pendingLine) write('\n');
    pendingLine = false;
  };
  return {
    onEvent(event) {
      switch (event.type) {
        case 'node_started':
          endLine();
          write(`▶ node ${event.nodeId} (${event.nodeType})`);
          pendingLine = true;
          break;
        case 'progress':
          if (isTTY) {
            write(`\r▶ node ${event.nodeId} ${event.done}/${event.total}`);
            pendingLine = true;
          }
          break;
        case 'node_output':
          if (pendingLine) write(` ✓ ${event.durationMs.toFixed(1)} ms\n`);
          pendingLine = false;
          break;
        case 'node_error':
          endLine();
          // The executor's message already names the node and its type.
          write(`✗ ${event.message}\n`);
          break;
        default:
          break;
      }
    },
    done: endLine,
  };
}
