/**
 * The orders runs are taken and listed in. Queued: higher priority first, then submission
 * number (FIFO). Listings: running (oldest start first), then queued in run order, then
 * history newest first.
 */
import type { RunRecord, RunStatus } from './types.js';

/** Negative when `a` runs before `b`. */
export function compareRunOrder(a: RunRecord, b: RunRecord): number {
  return b.priority - a.priority || a.number - b.number;
}

const GROUP: Record<RunStatus, number> = { running: 0, queued: 1, success: 2, error: 2, interrupted: 2, cancelled: 2 };

export function compareListOrder(a: RunRecord, b: RunRecord): number {
  const group = GROUP[a.status] - GROUP[b.status];
  if (group !== 0) return group;
  if (a.status === 'running') return (a.startedAt ?? 0) - (b.startedAt ?? 0) || a.number - b.number;
  if (a.status === 'queued') return compareRunOrder(a, b);
  return (b.finishedAt ?? 0) - (a.finishedAt ?? 0) || b.number - a.number;
}
