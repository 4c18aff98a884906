/** How runs read in the panels: status words, how long they took (or have been going), when. */
import { formatDuration } from '../graph/run-state.js';
import type { RunListItem, RunStatus } from './run-types.js';

export const STATUS_LABEL: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  success: 'Done',
  error: 'Failed',
  interrupted: 'Interrupted',
  cancelled: 'Cancelled',
};

/** "1.20 s" for a finished run, the time so far for a running one, the wait for a queued one. */
export function runDuration(run: RunListItem, now = Date.now()): string {
  if (run.duration_ms !== null) return formatDuration(run.duration_ms);
  if (run.status === 'running' && run.started_at !== null) return formatDuration(Math.max(0, now - Date.parse(run.started_at)));
  if (run.status === 'queued') return `waiting ${formatDuration(Math.max(0, now - Date.parse(run.submitted_at)))}`;
  return '';
}

/** "14:03:12" today, else the date and time. */
export function runTime(iso: string): string {
  const date = new Date(iso);
  return date.toDateString() === new Date().toDateString() ? date.toLocaleTimeString() : date.toLocaleString();
}

export function describeError(error: { code: string; message: string; node_id: string | null; node_type: string | null }): string {
  // The server's node errors usually name the node already ("node 4 (image.load): …").
  if (error.node_id === null || error.message.startsWith(`node ${error.node_id}`)) return error.message;
  return `node ${error.node_id}${error.node_type ? ` (${error.node_type})` : ''}: ${error.message}`;
}
