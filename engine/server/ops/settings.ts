/**
 * The operator's settings as the running server sees them: the stored overrides on top of the
 * defaults from the configuration, which of them apply at once (log level, log buffer, submit
 * rate), which after a restart (queue concurrency, history cap, cache budget, model limits,
 * execution providers and threads — the objects using them fix them at start). A change to
 * the execution providers is checked against this machine and refused when one is unusable.
 * At start the stored overrides are laid over the configuration (`prepareSettings`), so a
 * restart applies them.
 * `settingsView` and `updateSettings` work without express, for the legacy dashboard routes.
 */
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { Logger } from '../../nodes/context.js';
import { DEFAULT_SESSION_SETTINGS, checkExecutionProviders, layerSessionSettings, sessionSettingsFromEnv, type SessionSettings } from '../../models/providers.js';
import type { LogBuffer } from '../../log/log-buffer.js';
import { getLogLevel, setLogLevel, type LogLevel } from '../../log/logger.js';
import {
  openSettingsStore,
  SettingsSchema,
  StoredSettingsSchema,
  SETTING_KEYS,
  type SettingKey,
  type Settings,
  type SettingsPatch,
  type SettingsStore,
  type StoredSettings,
} from '../../store/settings-store.js';
import type { ServerConfig } from '../config.js';
import type { ServerContext } from '../context.js';

export const SettingEffectSchema = z.enum(['live', 'restart']);
export type SettingEffect = z.infer<typeof SettingEffectSchema>;

/** When a change to each setting takes effect. */
export const SETTING_EFFECTS: Readonly<Record<SettingKey, SettingEffect>> = {
  logLevel: 'live',
  logBufferLines: 'live',
  submitRatePerSecond: 'live',
  submitBurst: 'live',
  queueConcurrency: 'restart',
  historyCap: 'restart',
  cacheBytes: 'restart',
  modelMemoryBytes: 'restart',
  maxLoadedModels: 'restart',
  modelIdleSeconds: 'restart',
  executionProviders: 'restart',
  intraOpThreads: 'restart',
  interOpThreads: 'restart',
};

const DEFAULT_CACHE_BYTES = 1024 ** 3;

const SettingKeySchema = z.enum(SETTING_KEYS as [SettingKey, ...SettingKey[]]);

/** `GET /api/settings` (and the answer to a change, with `changed` and `applied`). */
export const SettingsViewSchema = z.object({
  /** The values in force, or to be in force after a restart for `restart` settings (see pendingRestart). */
  settings: SettingsSchema,
  /** What the operator set (stored in the data folder). */
  overrides: StoredSettingsSchema,
  /** The values without overrides (from flags, environment and built-in defaults). */
  defaults: SettingsSchema,
  effects: z.record(SettingKeySchema, SettingEffectSchema),
  /** Settings whose value differs from the one the running server started with: restart to apply. */
  pendingRestart: z.array(SettingKeySchema),
  /** In a change's answer: keys whose value changed. */
  changed: z.array(SettingKeySchema).optional(),
  /** In a change's answer: changed keys the running server applied at once. */
  applied: z.array(SettingKeySchema).optional(),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** The settings' live state, on the server context. */
export interface SettingsState {
  readonly store: SettingsStore;
  /** Values without overrides. */
  readonly defaults: Settings;
  /** The values the server started with (what `restart` settings are until the next start). */
  readonly atStart: Settings;
  /** The values in force now (overrides over defaults). */
  current(): Settings;
}

export interface PrepareSettingsOptions {
  config: ServerConfig;
  log: Logger;
  logs: LogBuffer;
  /** The cache budget the engine would get from its options. */
  engineCacheBytes?: number;
  /** Session settings the engine would get from its options (over the environment's). */
  engineSessionSettings?: Partial<SessionSettings>;
}

export interface PreparedSettings {
  /** The configuration with the stored overrides laid over it. */
  config: ServerConfig;
  /** Engine options the stored overrides decide (spread over the caller's engine options). */
  engine: {
    cacheBytes?: number;
    models: { memoryBudgetBytes: number | null; maxLoaded: number | null; idleMs: number | null };
    sessionSettings: SessionSettings;
  };
  state: SettingsState;
}

/** What the engine chooses for its cache budget without an explicit option (mirrors createEngine). */
function engineDefaultCacheBytes(): number {
  const raw = process.env.SWITCHYARD_CACHE_BYTES;
  const value = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isSafeInteger(value) && value > 0 ? value : DEFAULT_CACHE_BYTES;
}

/**
 * Opens the settings store and applies the stored overrides: the returned configuration and
 * engine options carry the restart-time ones, the logger and log buffer take the live ones now.
 */
export async function prepareSettings(options: PrepareSettingsOptions): Promise<PreparedSettings> {
  const { config, log, logs } = options;
  const store = await openSettingsStore({ dataDir: config.dataDir, log });
  const session = { ...DEFAULT_SESSION_SETTINGS, ...layerSessionSettings(sessionSettingsFromEnv(), options.engineSessionSettings) };
  const defaults: Settings = {
    logLevel: getLogLevel(log) ?? 'info',
    logBufferLines: logs.capacity,
    submitRatePerSecond: config.submitRatePerSecond,
    submitBurst: config.submitBurst,
    queueConcurrency: config.queueConcurrency,
    historyCap: config.historyCap,
    cacheBytes: options.engineCacheBytes ?? engineDefaultCacheBytes(),
    modelMemoryBytes: null,
    maxLoadedModels: null,
    modelIdleSeconds: null,
    executionProviders: [...session.executionProviders],
    intraOpThreads: session.intraOpThreads,
    interOpThreads: session.interOpThreads,
  };
  const current = (): Settings => ({ ...defaults, ...store.read() });
  const atStart = current();
  const stored = store.read();
  if (stored.logLevel !== undefined) setLogLevel(log, stored.logLevel);
  if (stored.logBufferLines !== undefined) logs.resize(stored.logBufferLines);
  return {
    config: {
      ...config,
      submitRatePerSecond: atStart.submitRatePerSecond,
      submitBurst: atStart.submitBurst,
      queueConcurrency: atStart.queueConcurrency,
      historyCap: atStart.historyCap,
    },
    engine: {
      ...(stored.cacheBytes === undefined ? {} : { cacheBytes: stored.cacheBytes }),
      // The model manager's limits (null: none; idle 0: never unload for idleness).
      models: {
        memoryBudgetBytes: atStart.modelMemoryBytes,
        maxLoaded: atStart.maxLoadedModels,
        idleMs: atStart.modelIdleSeconds === null || atStart.modelIdleSeconds === 0 ? null : atStart.modelIdleSeconds * 1000,
      },
      // Checked against this machine when the engine starts (a warning) and when a session opens (an error).
      sessionSettings: { executionProviders: atStart.executionProviders, intraOpThreads: atStart.intraOpThreads, interOpThreads: atStart.interOpThreads },
    },
    state: { store, defaults, atStart, current },
  };
}

function pendingRestart(state: SettingsState, values: Settings): SettingKey[] {
  // Deep: a list setting (executionProviders) is a new array after every change.
  return SETTING_KEYS.filter((key) => SETTING_EFFECTS[key] === 'restart' && !isDeepStrictEqual(values[key], state.atStart[key]));
}

export function settingsView(ctx: Pick<ServerContext, 'settings'>): SettingsView {
  const state = ctx.settings;
  const settings = state.current();
  return {
    settings,
    overrides: state.store.read(),
    defaults: { ...state.defaults },
    effects: { ...SETTING_EFFECTS },
    pendingRestart: pendingRestart(state, settings),
  };
}

/** Applies one changed live setting to the running server; false when it cannot be applied now. */
function applyLive(ctx: Pick<ServerContext, 'log' | 'logs' | 'submitLimiter'>, key: SettingKey, values: Settings): boolean {
  switch (key) {
    case 'logLevel':
      return setLogLevel(ctx.log, values.logLevel as LogLevel);
    case 'logBufferLines':
      ctx.logs.resize(values.logBufferLines);
      return true;
    case 'submitRatePerSecond':
    case 'submitBurst':
      ctx.submitLimiter.reconfigure(values.submitRatePerSecond, values.submitBurst);
      return true;
    default:
      return false;
  }
}

/**
 * Merges a validated change into the stored overrides (`null` removes one), persists it, applies
 * what can be applied live, and answers the new view with what changed and what was applied.
 */
export async function updateSettings(ctx: Pick<ServerContext, 'settings' | 'log' | 'logs' | 'submitLimiter' | 'live'>, patch: SettingsPatch): Promise<SettingsView> {
  const state = ctx.settings;
  // A provider this machine cannot use is refused now (400 provider_unavailable), not at the next model load.
  if (patch.executionProviders) checkExecutionProviders(patch.executionProviders);
  const { previous, current: stored } = await state.store.update((current) => {
    const next: Record<string, unknown> = { ...current };
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (value === null) delete next[key];
      else next[key] = value;
    }
    return next as StoredSettings;
  });
  // Before and after this very change (another one may follow at once: each sees its own).
  const before: Settings = { ...state.defaults, ...previous };
  const after: Settings = { ...state.defaults, ...stored };
  const changed = SETTING_KEYS.filter((key) => !isDeepStrictEqual(before[key], after[key]));
  const applied: SettingKey[] = [];
  for (const key of changed) {
    if (SETTING_EFFECTS[key] === 'live' && applyLive(ctx, key, after)) applied.push(key);
  }
  const view = { ...settingsView(ctx), changed, applied };
  if (changed.length > 0) {
    ctx.log.info({ changed, applied, values: Object.fromEntries(changed.map((k) => [k, after[k]])) }, 'settings changed');
    ctx.live.broadcast('settings:changed', view);
  }
  return view;
}

/** One setting's value in force now (for parts that read a setting when they use it, like the model manager will). */
export function settingValue<K extends SettingKey>(ctx: Pick<ServerContext, 'settings'>, key: K): Settings[K] {
  return ctx.settings.current()[key];
}
