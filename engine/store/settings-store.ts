/**
 * The operator's settings, persisted in `<data>/store/settings.json` as `{version, settings}`.
 * Only what the operator set is stored (the overrides); everything else follows the server's
 * configuration. Writes are atomic and durable (temp file, fsync, rename) and one at a time,
 * so a crash leaves the old file or the new one. A file that is not JSON is moved aside and the
 * server starts with no overrides; a value that no longer validates is dropped with a warning.
 * The zod schema here is the one source of the settings' shape.
 */
import { mkdir, rename, access, rm, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SwitchyardError } from '../errors.js';
import type { Logger } from '../nodes/context.js';
import { durableTextFile } from './durable-text-file.js';
import { MAX_THREADS, PROVIDER_NAME_PATTERN } from '../models/providers.js';

export const SETTINGS_FILE_VERSION = 1;

const LogLevelSetting = z.enum(['silent', 'fatal', 'error', 'warn', 'info', 'debug', 'trace']);

const ExecutionProvidersSetting = z
  .array(z.string().regex(PROVIDER_NAME_PATTERN, 'an execution provider name in lower case, like cpu or cuda'))
  .min(1)
  .max(8)
  .refine((names) => new Set(names).size === names.length, 'each execution provider at most once');

export const SettingsSchema = z.strictObject({
  logLevel: LogLevelSetting.describe('Minimum level of the server log (stderr and GET /api/logs). Applies at once.'),
  logBufferLines: z.number().int().min(100).max(100_000).describe('Recent log lines kept for GET /api/logs. Applies at once.'),
  submitRatePerSecond: z.number().nonnegative().max(1_000_000).describe('Submissions per second per client address (0: no limit). Applies at once.'),
  submitBurst: z.number().int().min(1).max(1_000_000).describe('Submissions a client may send at once before the rate applies. Applies at once.'),
  queueConcurrency: z.number().int().min(1).max(64).describe('Runs executing at once. Applies after a restart.'),
  historyCap: z.number().int().min(1).max(1_000_000).describe('Finished runs kept in history. Applies after a restart.'),
  cacheBytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).describe('Byte budget of the node output cache. Applies after a restart.'),
  modelMemoryBytes: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).nullable().describe('Memory loaded models may take together; the least recently used is unloaded beyond it (null: no limit). Applies after a restart.'),
  maxLoadedModels: z.number().int().min(1).max(1000).nullable().describe('Most models loaded at once, like the older API\'s MAX_LOADED_MODELS (null: no count limit). Applies after a restart.'),
  modelIdleSeconds: z.number().int().nonnegative().max(7 * 24 * 3600).nullable().describe('Unload a model unused this long, like the older API\'s MODEL_TIMEOUT (0 or null: never). Applies after a restart.'),
  executionProviders: ExecutionProvidersSetting.describe('onnxruntime execution providers model sessions ask for, in order of preference (default ["cpu"]; e.g. ["cuda", "cpu"] once onnxruntime-node\'s CUDA binaries are installed). A provider that is unknown or not installed here is refused (400 provider_unavailable); GET /api/health lists the available ones. Applies after a restart.'),
  intraOpThreads: z.number().int().min(1).max(MAX_THREADS).nullable().describe('Threads one operator of a model session may use (null: min(4, CPU count)). Applies after a restart.'),
  interOpThreads: z.number().int().min(1).max(MAX_THREADS).describe('Threads running independent operators of a model session at once (default 1). Applies after a restart.'),
});
export type Settings = z.infer<typeof SettingsSchema>;
export type SettingKey = keyof Settings;
export const SETTING_KEYS = Object.keys(SettingsSchema.shape) as SettingKey[];

/** What is stored: the keys the operator set. */
export const StoredSettingsSchema = SettingsSchema.partial();
export type StoredSettings = z.infer<typeof StoredSettingsSchema>;

/** A change: any subset of the keys; `null` returns a key to its default. Unknown keys are refused. */
export const SettingsPatchSchema = z.strictObject(
  Object.fromEntries(SETTING_KEYS.map((key) => [key, SettingsSchema.shape[key].nullable().optional()])) as {
    [K in SettingKey]: z.ZodOptional<z.ZodNullable<(typeof SettingsSchema.shape)[K]>>;
  },
);
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

export interface SettingsRecovery {
  /** Set when the file was not readable as settings and was moved aside. */
  corrupt?: { file: string; movedTo: string; reason: string };
  /** Stored keys dropped at open (unknown to this version, or a value that no longer validates). */
  ignored: string[];
}

export interface SettingsStore {
  readonly file: string;
  readonly recovery: SettingsRecovery;
  /** A copy of the stored overrides. */
  read(): StoredSettings;
  /**
   * Applies `change` to the stored overrides and persists the result before answering it with
   * the overrides before and after; changes run one at a time.
   */
  update(change: (current: StoredSettings) => StoredSettings): Promise<{ previous: StoredSettings; current: StoredSettings }>;
}

export interface SettingsStoreOptions {
  dataDir: string;
  log: Logger;
  /** fsync every write (default true). */
  fsync?: boolean;
}

const FileSchema = z.object({ version: z.number(), settings: z.record(z.string(), z.unknown()) });

/** The stored entries this version accepts, and the keys it drops (unknown, or a value that no longer validates). */
function acceptedEntries(settings: Record<string, unknown>): { kept: StoredSettings; ignored: string[] } {
  const kept: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    const schema = (SettingsSchema.shape as Record<string, z.ZodType>)[key];
    if (schema !== undefined && schema.safeParse(value).success) kept[key] = value;
    else ignored.push(key);
  }
  return { kept: StoredSettingsSchema.parse(kept), ignored };
}

/**
 * The stored overrides, read without opening the store (for the CLI, which may run beside a
 * server on the same data folder): nothing is written or moved. No file, or one that is not a
 * settings file, reads as no overrides; entries this version does not accept are skipped. Both
 * are logged (the server reports them and moves a corrupt file aside when it starts).
 */
export async function readStoredSettings(dataDir: string, log: Logger): Promise<StoredSettings> {
  const file = join(dataDir, 'store', 'settings.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') log.warn({ err: error, file }, 'cannot read the settings file; using no stored settings');
    return {};
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    log.warn({ file, reason: (error as Error).message }, 'the settings file is not valid JSON; using no stored settings');
    return {};
  }
  const head = FileSchema.safeParse(raw);
  if (!head.success || head.data.version > SETTINGS_FILE_VERSION) {
    log.warn({ file }, 'the settings file is not one this version reads; using no stored settings');
    return {};
  }
  const { kept, ignored } = acceptedEntries(head.data.settings);
  if (ignored.length > 0) log.warn({ ignored, file }, 'stored settings that this version does not accept were ignored');
  return kept;
}

async function moveAside(path: string, reason: string): Promise<{ file: string; movedTo: string; reason: string }> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  let movedTo = `${path}.corrupt-${stamp}`;
  for (let n = 1; await access(movedTo).then(() => true, () => false); n++) movedTo = `${path}.corrupt-${stamp}-${n}`;
  await rename(path, movedTo);
  return { file: path, movedTo, reason };
}

export async function openSettingsStore(options: SettingsStoreOptions): Promise<SettingsStore> {
  const log = options.log.child({ component: 'settings-store' });
  const folder = join(options.dataDir, 'store');
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw new SwitchyardError('usage', `data folder ${options.dataDir} is not usable: ${(error as Error).message}`, { dataDir: options.dataDir }, { cause: error });
  }
  const adapter = durableTextFile(join(folder, 'settings.json'), { fsync: options.fsync });
  // A temp file from a write that never finished is garbage: the real file is intact.
  await rm(adapter.tempPath, { force: true });
  const recovery: SettingsRecovery = { ignored: [] };
  let stored: StoredSettings = {};

  let text: string | null;
  try {
    text = await adapter.read();
  } catch (error) {
    throw new SwitchyardError('internal', `cannot read the settings file ${adapter.path}: ${(error as Error).message}`, { file: adapter.path }, { cause: error });
  }
  if (text !== null) {
    let raw: unknown;
    let reason: string | undefined;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      reason = `not valid JSON (${(error as Error).message})`;
    }
    const head = reason === undefined ? FileSchema.safeParse(raw) : undefined;
    if (head !== undefined && !head.success) reason = 'not a settings file (expected {version, settings})';
    if (head?.success && head.data.version > SETTINGS_FILE_VERSION) {
      throw new SwitchyardError('usage', `the settings file ${adapter.path} was written by a newer version (file version ${head.data.version}, this one reads ${SETTINGS_FILE_VERSION})`, { file: adapter.path });
    }
    if (reason !== undefined) {
      recovery.corrupt = await moveAside(adapter.path, reason);
      log.error({ ...recovery.corrupt }, 'the settings file was unreadable; moved it aside and started with default settings');
    } else if (head?.success) {
      const { kept, ignored } = acceptedEntries(head.data.settings);
      recovery.ignored.push(...ignored);
      if (recovery.ignored.length > 0) log.warn({ ignored: recovery.ignored, file: adapter.path }, 'stored settings that this version does not accept were ignored');
      stored = kept;
    }
  }

  let queue: Promise<unknown> = Promise.resolve();
  return {
    file: adapter.path,
    recovery,
    read: () => ({ ...stored }),
    update(change) {
      const next = queue.then(async () => {
        const candidate = StoredSettingsSchema.parse(change({ ...stored }));
        const document = { version: SETTINGS_FILE_VERSION, settings: candidate };
        try {
          await adapter.write(`${JSON.stringify(document, null, 2)}\n`);
        } catch (error) {
          throw new SwitchyardError('internal', `could not save the settings to ${adapter.path}: ${(error as Error).message}`, { file: adapter.path }, { cause: error });
        }
        const previous = stored;
        stored = candidate;
        return { previous: { ...previous }, current: { ...stored } };
      });
      // One failed write must not block the next ones.
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
