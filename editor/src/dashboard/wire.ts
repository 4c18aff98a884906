/**
 * The server's JSON shapes the dashboard reads, as plain types: `GET /api/health`,
 * `/api/models`, `/api/packs`, `/api/metrics`, `/api/logs` and `/api/settings`. They mirror
 * engine/server/ops/*.ts and docs/api (the dashboard is a client of that contract and does
 * not import engine code); only the fields the dashboard shows are listed.
 */

export interface HealthReport {
  status: 'ok' | 'degraded';
  problems: string[];
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  node: string;
  platform: string;
  arch: string;
  pid: number;
  closing: boolean;
  onnxruntime: {
    loaded: boolean;
    version: string | null;
    providers: { name: string; bundled: boolean; installed: boolean }[];
    available: string[];
    error: string | null;
  };
  sessions: { providers: string[]; intraOpThreads: number; interOpThreads: number; unavailable: string[] };
  cpu: { model: string; count: number; loadAverage: number[] };
  gpu: {
    devices: { index: number; name: string; memoryTotalBytes: number | null; memoryUsedBytes: number | null; utilizationPercent: number | null; driverVersion: string | null }[];
    reason: string | null;
  };
  memory: {
    process: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number };
    system: { totalBytes: number; freeBytes: number };
  };
  queue: { queued: number; running: number; finished: number };
  cache: { hits: number; misses: number; evictions: number; entries: number; bytes: number; maxBytes: number };
  packs: { loaded: number; failed: number };
  logs: { capturing: boolean; lines: number; capacity: number };
}

export interface LoadedModel {
  id: string;
  bytes: number;
  inUse: number;
  loadedAt: string;
  lastUsedAt: string;
  unloadPending: boolean;
}

export interface AvailableModel {
  id: string;
  kind: 'file' | 'folder';
  bytes: number;
  files: number;
  layout: string;
  family: string | null;
  problem: string | null;
  loaded: boolean;
}

export interface ModelsReport {
  message: string;
  available: AvailableModel[];
  loaded: LoadedModel[];
  memory: { loadedBytes: number; budgetBytes: number | null };
  truncated: boolean;
}

export interface UnloadAnswer {
  id: string;
  outcome: 'unloaded' | 'pending';
}

export interface UnloadAllAnswer {
  unloaded: string[];
  pending: string[];
}

export interface PackReport {
  loaded: { name: string; version: string; description?: string; source: string; path: string; nodeTypes: string[] }[];
  failed: { name?: string; path: string; source: string; code: string; reason: string }[];
}

export interface SeriesSample {
  at: number;
  runsFinished: number;
  runsFailed: number;
  nodesExecuted: number;
  nodeMs: number;
  cacheHitRate: number | null;
  queued: number;
  running: number;
  rssBytes: number;
  heapUsedBytes: number;
}

export interface MetricsSnapshot {
  at: number;
  uptimeSeconds: number;
  runs: {
    submitted: number;
    finished: { success: number; error: number; interrupted: number; cancelled: number };
    duration: { count: number; totalMs: number; meanMs: number | null };
  };
  queue: { queued: number; running: number };
  nodes: {
    executed: number;
    totalMs: number;
    byType: { type: string; count: number; totalMs: number; meanMs: number }[];
    errors: { type: string; code: string; count: number }[];
  };
  cache: { hits: number; misses: number; evictions: number; entries: number; bytes: number; maxBytes: number; hitRate: number | null };
  models: { loads: number; loaded: number; bytes: number };
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number };
  http: { requests: number };
  series: { intervalMs: number; capacity: number; samples: SeriesSample[] };
}

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LogLine {
  seq: number;
  time: number;
  level: LogLevel;
  msg: string;
  fields: Record<string, unknown>;
}

export interface LogsPage {
  lines: LogLine[];
  capturing: boolean;
  size: number;
  capacity: number;
  overwritten: number;
  lastSeq: number;
}

export type SettingValue = string | number | string[] | null;

export interface SettingsView {
  settings: Record<string, SettingValue>;
  overrides: Record<string, SettingValue>;
  defaults: Record<string, SettingValue>;
  effects: Record<string, 'live' | 'restart'>;
  pendingRestart: string[];
  changed?: string[];
  applied?: string[];
}

/** The part of JSON Schema (draft 2020-12) the settings form reads. */
export interface JsonSchema {
  type?: string;
  enum?: (string | number)[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  description?: string;
  properties?: Record<string, JsonSchema>;
}
