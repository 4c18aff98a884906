/**
 * The `switchyard` command: `run`, `validate`, `nodes`, `packs`, `schemas`, `openapi` and `serve`.
 * Exit codes: 0 success, 1 a failed or invalid run, 2 a usage error. Bad input never prints a
 * stack trace: every failure is a one-line reason (or one JSON object with `--json`).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SwitchyardError, toSwitchyardError } from '../errors.js';
import { createLogger, parseLogLevel } from '../log/logger.js';
import { resolveDataDir } from '../store/folders.js';
import { readStoredSettings } from '../store/settings-store.js';
import { createEngine, type Engine } from '../runtime/engine.js';
import { parseSetArguments } from '../runtime/params.js';
import { describeNodes } from '../nodes/describe.js';
import { ENGINE_VERSION } from '../version.js';
import { publishedSchemas } from './schemas.js';
import { apiReferenceFiles } from './api-reference.js';
import { serveCommand } from './serve.js';
import { renderRunReport, toJsonReport, createProgressPrinter, renderCheckErrors } from './report.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const USAGE = `switchyard ${ENGINE_VERSION} — node-graph workflows for generative AI

Usage:
  switchyard run <workflow.json> [--set <nodeId>.<input>=<value> ...] [--json] [--data <dir>]
  switchyard validate <workflow.json> [--json] [--data <dir>]
  switchyard nodes [--json] [--data <dir>]
  switchyard packs [--json] [--data <dir>]   loaded packs, and skipped ones with the reason
  switchyard schemas [--out <dir>]   JSON Schemas of workflows, node descriptions, reports
  switchyard openapi [--out <dir>]   the HTTP API: OpenAPI 3.1 document (and its HTML page with --out)
  switchyard serve [--host 127.0.0.1] [--port 8188] [--data <dir>] [--token <t>] [--no-auth]
  switchyard --version | --help

Options:
  --data <dir>   data folder for inputs, outputs, temp files, models and packs
                 (env SWITCHYARD_DATA, default ./data)
  --set k=v      override an input of a node for this run (repeatable)
  --json         machine-readable output: exactly one JSON object on stdout
  --out <dir>    schemas, openapi: write the files into <dir> (default: print the JSON)
  --host, --port serve: address to listen on (env SWITCHYARD_HOST, SWITCHYARD_PORT)
  --token <t>    serve: API token clients must send (env SWITCHYARD_TOKEN)
  --no-auth      serve: allow a non-loopback address without a token, on purpose
`;

interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTTY: boolean;
}

const defaultIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stderr.isTTY),
};

const OPTIONS = {
  data: { type: 'string' },
  set: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  out: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  token: { type: 'string' },
  'no-auth': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} satisfies ParseArgsConfig['options'];

export async function main(argv: readonly string[], io: Io = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr(`switchyard: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.version) {
    io.stdout(`${ENGINE_VERSION}\n`);
    return EXIT_OK;
  }
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    (command === undefined && !values.help ? io.stderr : io.stdout)(USAGE);
    return command === undefined && !values.help ? EXIT_USAGE : EXIT_OK;
  }
  const json = values.json === true;
  const usage = (message: string) => {
    io.stderr(`switchyard ${command}: ${message}\n\n${USAGE}`);
    if (json) io.stdout(`${JSON.stringify(failureReport(command, new SwitchyardError('usage', message)))}\n`);
    return EXIT_USAGE;
  };
  switch (command) {
    case 'run':
    case 'validate': {
      if (rest.length !== 1) return usage(rest.length === 0 ? 'a workflow file is required' : `one workflow file expected, got ${rest.length}`);
      if (command === 'validate' && values.set) return usage('--set applies to run only');
      const { params, errors } = parseSetArguments(values.set ?? []);
      if (errors.length > 0) return usage(errors.join('\n'));
      let text: string;
      try {
        text = await readFile(resolve(rest[0]!), 'utf8');
      } catch (error) {
        return usage(`cannot read ${rest[0]}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
      }
      return withEngine(command, values.data, io, json, async (engine) =>
        command === 'run' ? runCommand(engine, text, params, json, io) : validateCommand(engine, text, json, io));
    }
    case 'nodes': {
      if (rest.length > 0) return usage(`unexpected argument ${rest[0]}`);
      return withEngine(command, values.data, io, json, async (engine) => {
        const descriptions = await describeNodes(engine.registry, { folders: engine.folders });
        if (json) {
          io.stdout(`${JSON.stringify(descriptions, null, 2)}\n`);
        } else {
          const byCategory = new Map<string, string[]>();
          for (const d of descriptions) {
            const list = byCategory.get(d.category) ?? [];
            list.push(`  ${d.type.padEnd(28)} ${d.title}${d.aliases.length > 0 ? `  (alias ${d.aliases.join(', ')})` : ''}`);
            byCategory.set(d.category, list);
          }
          for (const [category, lines] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) io.stdout(`${category}\n${lines.join('\n')}\n`);
          for (const failed of engine.packs.failed) io.stderr(`pack ${failed.name ?? failed.path} was skipped: ${failed.reason}\n`);
        }
        return EXIT_OK;
      });
    }
    case 'packs': {
      if (rest.length > 0) return usage(`unexpected argument ${rest[0]}`);
      return withEngine(command, values.data, io, json, async (engine) => {
        if (json) {
          io.stdout(`${JSON.stringify(engine.packs, null, 2)}\n`);
        } else {
          for (const pack of engine.packs.loaded) io.stdout(`${pack.name.padEnd(28)} ${pack.version.padEnd(10)} ${pack.source.padEnd(8)} ${pack.nodeTypes.length} node types\n`);
          for (const failed of engine.packs.failed) io.stdout(`${(failed.name ?? failed.path).padEnd(28)} skipped [${failed.code}]: ${failed.reason}\n`);
        }
        return EXIT_OK;
      });
    }
    case 'schemas': {
      if (rest.length > 0) return usage(`unexpected argument ${rest[0]}`);
      const schemas = publishedSchemas();
      if (values.out === undefined) {
        io.stdout(`${JSON.stringify(schemas, null, 2)}\n`);
        return EXIT_OK;
      }
      const dir = resolve(values.out);
      await mkdir(dir, { recursive: true });
      for (const [name, schema] of Object.entries(schemas)) await writeFile(join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
      io.stderr(`wrote ${Object.keys(schemas).length} schemas to ${dir}\n`);
      return EXIT_OK;
    }
    case 'openapi': {
      if (rest.length > 0) return usage(`unexpected argument ${rest[0]}`);
      const files = apiReferenceFiles();
      if (values.out === undefined) {
        io.stdout(files['openapi.json']!);
        return EXIT_OK;
      }
      const dir = resolve(values.out);
      await mkdir(dir, { recursive: true });
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
      io.stderr(`wrote ${Object.keys(files).join(' and ')} to ${dir}\n`);
      return EXIT_OK;
    }
    case 'serve': {
      if (rest.length > 0) return usage(`unexpected argument ${rest[0]}`);
      return serveCommand({ host: values.host, port: values.port, data: values.data, token: values.token, noAuth: values['no-auth'] }, io);
    }
    default:
      return usage(`unknown command "${command}"`);
  }
}

/** The one JSON object `--json` promises, for a command that could not do its work. */
function failureReport(command: string | undefined, failure: SwitchyardError): Record<string, unknown> {
  const errors = [failure.toJSON()];
  if (command === 'validate') return { valid: false, node_errors: {}, errors };
  if (command === 'run') return { status: 'error', outputs: {}, executed: [], cached: [], errors };
  return { error: failure.toJSON() };
}

async function withEngine(command: string, dataOption: string | undefined, io: Io, json: boolean, body: (engine: Engine) => Promise<number>): Promise<number> {
  // The CLI reports failures itself; log lines (JSON on stderr) are opt-in via SWITCHYARD_LOG_LEVEL.
  const log = createLogger({ level: parseLogLevel(process.env.SWITCHYARD_LOG_LEVEL, 'fatal') });
  const fail = (error: unknown, code: number) => {
    const failure = toSwitchyardError(error);
    if (json) io.stdout(`${JSON.stringify(failureReport(command, failure))}\n`);
    else io.stderr(`switchyard: ${failure.message}\n`);
    return failure.code === 'usage' ? EXIT_USAGE : code;
  };
  let engine: Engine;
  try {
    const dataDir = resolveDataDir(dataOption);
    // The operator's stored session settings apply here as in the server (over the SWITCHYARD_* variables).
    const stored = await readStoredSettings(dataDir, log);
    const sessionSettings = { executionProviders: stored.executionProviders, intraOpThreads: stored.intraOpThreads, interOpThreads: stored.interOpThreads };
    engine = await createEngine({ dataDir, log, sessionSettings });
  } catch (error) {
    return fail(error, EXIT_FAILED);
  }
  try {
    return await body(engine);
  } catch (error) {
    log.error({ err: error }, 'command failed');
    return fail(error, EXIT_FAILED);
  }
}

async function validateCommand(engine: Engine, text: string, json: boolean, io: Io): Promise<number> {
  const check = await engine.check(text);
  if (json) {
    io.stdout(`${JSON.stringify({ valid: check.valid, format: check.format, node_errors: check.nodeErrors, errors: check.errors })}\n`);
  } else if (check.valid) {
    io.stdout(`valid ${check.format} workflow: ${Object.keys(check.workflow?.nodes ?? {}).length} nodes\n`);
  } else {
    io.stderr(renderCheckErrors(check));
  }
  return check.valid ? EXIT_OK : EXIT_FAILED;
}

async function runCommand(engine: Engine, text: string, params: Record<string, unknown>, json: boolean, io: Io): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts > 1) process.exit(130);
    io.stderr('\ninterrupting… (press Ctrl+C again to quit at once)\n');
    controller.abort(new SwitchyardError('interrupted', 'interrupted by the user'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const progress = json ? undefined : createProgressPrinter(io.stderr, io.isTTY);
    const outcome = await engine.run(text, { params, signal: controller.signal, onEvent: progress?.onEvent });
    progress?.done();
    if (outcome.kind === 'invalid') {
      if (json) {
        io.stdout(`${JSON.stringify({ status: 'error', outputs: {}, executed: [], cached: [], errors: [...outcome.check.errors, ...Object.values(outcome.check.nodeErrors).flatMap((n) => n.errors)], node_errors: outcome.check.nodeErrors })}\n`);
      } else {
        io.stderr(renderCheckErrors(outcome.check));
      }
      return EXIT_FAILED;
    }
    const report = toJsonReport(outcome.result, engine.folders);
    if (json) io.stdout(`${JSON.stringify(report)}\n`);
    else io.stdout(renderRunReport(report));
    return outcome.result.status === 'success' ? EXIT_OK : EXIT_FAILED;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
