/**
 * `switchyard serve`: starts the server with the configuration from flags and environment,
 * prints the URL when ready, and shuts down gracefully on SIGINT/SIGTERM (a second signal
 * exits at once). A port in use or an unusable data folder exits 2 with a one-line reason.
 */
import { toSwitchyardError } from '../errors.js';
import { createServerLogger, parseLogLevel } from '../log/logger.js';
import { resolveServerConfig, type ServerConfigInput } from '../server/config.js';
import { startServer } from '../server/server.js';
import { ENGINE_VERSION } from '../version.js';

/** After a graceful shutdown, how long lingering handles may keep the process alive. */
const FORCE_EXIT_AFTER_MS = 3000;

export interface ServeFlags {
  host?: string;
  port?: string;
  data?: string;
  token?: string;
  noAuth?: boolean;
}

export interface ServeIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export async function serveCommand(flags: ServeFlags, io: ServeIo): Promise<number> {
  const cli: Partial<ServerConfigInput> = {};
  if (flags.host !== undefined) cli.host = flags.host;
  if (flags.port !== undefined) {
    const port = Number(flags.port);
    if (!/^\d+$/.test(flags.port) || port > 65535) {
      io.stderr(`switchyard serve: --port must be a number from 0 to 65535, got "${flags.port}"\n`);
      return 2;
    }
    cli.port = port;
  }
  if (flags.data !== undefined) cli.dataDir = flags.data;
  if (flags.token !== undefined) cli.token = flags.token;
  if (flags.noAuth) cli.auth = 'off';
  // Lines go to stderr and into the buffer behind GET /api/logs.
  const { log, buffer: logBuffer } = createServerLogger({ level: parseLogLevel(process.env.SWITCHYARD_LOG_LEVEL, 'info') });
  let server;
  try {
    const config = resolveServerConfig(cli);
    server = await startServer({ config, log, logBuffer });
  } catch (error) {
    const failure = toSwitchyardError(error);
    io.stderr(`switchyard serve: ${failure.message}\n`);
    return failure.code === 'usage' ? 2 : 1;
  }
  io.stdout(`Switchyard ${ENGINE_VERSION} serving on ${server.url}\n`);
  return new Promise<number>((resolve) => {
    let stopping = false;
    const finish = (code: number) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // Everything is persisted and closed; a node that ignored its abort signal must not keep the process alive.
      setTimeout(() => {
        io.stderr('switchyard serve: work that ignored the shutdown is still pending; exiting anyway\n');
        process.exit(code);
      }, FORCE_EXIT_AFTER_MS).unref();
      resolve(code);
    };
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        io.stderr(`switchyard serve: ${signal} again, exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      io.stderr(`switchyard serve: ${signal}, shutting down (running work is finished or saved as interrupted)\n`);
      server.close().then(() => finish(0), (error: unknown) => {
        io.stderr(`switchyard serve: shutdown failed: ${toSwitchyardError(error).message}\n`);
        finish(1);
      });
    };
    // `on`, not `once`: a second signal must reach `stop` to exit at once.
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
