/**
 * The runs API's shapes as the panels read them (`GET /api/runs`, `GET /api/runs/{id}`; see
 * engine/server/api/runs-schemas.ts and docs/api/openapi.json). wire.ts keeps the smaller
 * shapes the canvas needs; these add what lists, details and the gallery show.
 */
import type { FileRefView, UiResultView } from '../wire.js';

export type RunStatus = 'queued' | 'running' | 'success' | 'error' | 'interrupted' | 'cancelled';

export const FINISHED: ReadonlySet<string> = new Set(['success', 'error', 'interrupted', 'cancelled']);

export interface RunErrorDetail {
  node_id: string | null;
  node_type: string | null;
  code: string;
  message: string;
  /** Whatever the server attached: paths, limits, a cause, a stack when it sent one. */
  details: Record<string, unknown>;
  /** Short descriptions of the failing node's inputs. */
  inputs: Record<string, string> | null;
}

export interface RunListItem {
  id: string;
  number: number;
  status: RunStatus;
  /** The saved workflow that was run, or the name the submitter gave (the editor sends its workflow's). */
  name: string | null;
  priority: number;
  client_id: string | null;
  requeued_from: string | null;
  submitted_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  executed: string[];
  cached: string[];
  skipped: string[];
  timings: Record<string, number>;
  outputs: Record<string, UiResultView>;
  errors: RunErrorDetail[];
}

export interface RunDetail extends RunListItem {
  position: number | null;
  /** The validated workflow that ran, in the API format (`{nodes: {id: {type, inputs}}}`). */
  workflow: unknown;
  /** The editor workflow it was submitted as (with node positions), or null for API-format submissions. */
  saved: unknown;
  params: Record<string, unknown> | null;
  targets: string[] | null;
  extra: Record<string, unknown> | null;
}

export interface RunPage {
  items: RunListItem[];
  total: number;
  limit: number;
  offset: number;
}

export interface CancelAnswer {
  id: string;
  outcome: 'cancelled' | 'interrupting' | 'already_finished';
  status: RunStatus;
}

export type MediaKind = 'image' | 'video' | 'audio' | 'text';

/** One thing a run produced, as the gallery and run details show it. */
export interface OutputItem {
  kind: MediaKind;
  runId: string;
  runNumber: number;
  /** The workflow's name, when this browser knows it (run-names.ts). */
  runName?: string;
  nodeId: string;
  /** Files only. */
  file?: FileRefView;
  /** Texts only. */
  text?: string;
}
