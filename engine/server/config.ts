/**
 * The server's configuration as one zod schema: where it listens, how it authenticates, what
 * it accepts. Values come from the command line, then `SWITCHYARD_*` environment variables,
 * then these defaults; `resolveServerConfig` checks them all and explains any bad one.
 */
import { z } from 'zod';
import { SwitchyardError } from '../errors.js';
import { zodMessages } from '../graph/untrusted.js';

const MiB = 1024 * 1024;

export const ServerConfigSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8188),
  dataDir: z.string().min(1),
  /** Bearer token every request must carry (header, socket.io auth, or `?token=` where headers cannot be set). */
  token: z.string().min(8, 'the API token must be at least 8 characters').optional(),
  /** `auto`: a token is required when bound to a non-loopback address; `off` disables auth explicitly. */
  auth: z.enum(['auto', 'off']).default('auto'),
  /** Origins (scheme://host:port) allowed besides the server's own for state-changing requests and sockets. */
  allowedOrigins: z.array(z.string()).default([]),
  /** Submissions per second per client address (token bucket; 0 disables the limit). */
  submitRatePerSecond: z.number().nonnegative().default(200),
  /** Bucket size: how many submissions may arrive at once before the rate applies. */
  submitBurst: z.number().int().positive().default(1000),
  /** Largest JSON body. */
  jsonLimitBytes: z.number().int().positive().default(32 * MiB),
  /** Largest uploaded file. */
  uploadLimitBytes: z.number().int().positive().default(64 * MiB),
  /** Runs executing at once. */
  queueConcurrency: z.number().int().positive().default(1),
  /** Finished runs kept in history. */
  historyCap: z.number().int().positive().default(1000),
  /** When a submission is acknowledged: once written (`interval`: survives a killed process; fsync within 100 ms), once fsynced (`always`: survives a power loss), or never fsync (`never`). */
  storeFsync: z.enum(['always', 'interval', 'never']).default('interval'),
  /** At shutdown, how long a running run may go on before it is interrupted and persisted. */
  shutdownTimeoutMs: z.number().int().nonnegative().default(10_000),
  /** How long a legacy route (`POST /api/generate/...`) waits for its run before answering 504 with the run id. */
  legacyWaitMs: z.number().int().positive().default(600_000),
  /** A remote ComfyUI server to probe in `GET /api/comfyui/status` (http or https URL). */
  comfyuiUrl: z.url({ protocol: /^https?$/, error: 'the ComfyUI URL must be an http:// or https:// URL' }).optional(),
});
export type ServerConfig = z.infer<typeof ServerConfigSchema>;
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

function numberFromEnv(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new SwitchyardError('usage', `${name} must be a number, got "${raw}"`, { variable: name });
  return value;
}

/** Environment variables read by `resolveServerConfig`, documented in README's Configuration. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<ServerConfigInput> {
  const fromEnv: Partial<ServerConfigInput> = {};
  if (env.SWITCHYARD_HOST) fromEnv.host = env.SWITCHYARD_HOST;
  const port = numberFromEnv(env, 'SWITCHYARD_PORT');
  if (port !== undefined) fromEnv.port = port;
  if (env.SWITCHYARD_DATA) fromEnv.dataDir = env.SWITCHYARD_DATA;
  if (env.SWITCHYARD_TOKEN) fromEnv.token = env.SWITCHYARD_TOKEN;
  if (env.SWITCHYARD_AUTH === 'off' || env.SWITCHYARD_AUTH === 'auto') fromEnv.auth = env.SWITCHYARD_AUTH;
  if (env.SWITCHYARD_ALLOWED_ORIGINS) fromEnv.allowedOrigins = env.SWITCHYARD_ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  const rate = numberFromEnv(env, 'SWITCHYARD_SUBMIT_RATE');
  if (rate !== undefined) fromEnv.submitRatePerSecond = rate;
  const concurrency = numberFromEnv(env, 'SWITCHYARD_QUEUE_CONCURRENCY');
  if (concurrency !== undefined) fromEnv.queueConcurrency = concurrency;
  const cap = numberFromEnv(env, 'SWITCHYARD_HISTORY_CAP');
  if (cap !== undefined) fromEnv.historyCap = cap;
  // Checked by the schema, which names the allowed values.
  if (env.SWITCHYARD_STORE_FSYNC) fromEnv.storeFsync = env.SWITCHYARD_STORE_FSYNC as ServerConfigInput['storeFsync'];
  const legacyWait = numberFromEnv(env, 'SWITCHYARD_LEGACY_WAIT_MS');
  if (legacyWait !== undefined) fromEnv.legacyWaitMs = legacyWait;
  if (env.SWITCHYARD_COMFYUI_URL) fromEnv.comfyuiUrl = env.SWITCHYARD_COMFYUI_URL;
  const shutdown = numberFromEnv(env, 'SWITCHYARD_SHUTDOWN_TIMEOUT_MS');
  if (shutdown !== undefined) fromEnv.shutdownTimeoutMs = shutdown;
  return fromEnv;
}

/**
 * Command-line values win over the environment, which wins over defaults. Throws a `usage`
 * error naming every bad value, and refuses a non-loopback address without a token unless
 * auth is explicitly off.
 */
export function resolveServerConfig(cli: Partial<ServerConfigInput>, env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const defined = Object.fromEntries(Object.entries(cli).filter(([, value]) => value !== undefined));
  const parsed = ServerConfigSchema.safeParse({ dataDir: 'data', ...configFromEnv(env), ...defined });
  if (!parsed.success) throw new SwitchyardError('usage', `invalid server configuration: ${zodMessages(parsed.error).join('; ')}`);
  const config = parsed.data;
  if (!isLoopbackHost(config.host) && config.token === undefined && config.auth !== 'off') {
    throw new SwitchyardError('usage', `refusing to listen on ${config.host} without an API token: set SWITCHYARD_TOKEN (or --token), or pass --no-auth to run unauthenticated on purpose`, { host: config.host });
  }
  return config;
}

/** Whether requests must carry the token. */
export function authRequired(config: ServerConfig): boolean {
  return config.auth !== 'off' && config.token !== undefined;
}
