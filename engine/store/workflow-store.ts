/**
 * Saved workflows: one JSON file per workflow under `<data>/workflows/` (the workflow itself,
 * in whichever format it was saved, so `switchyard run <data>/workflows/x.json` runs it too),
 * plus the example workflows shipped in the repository's `workflows/` folder (copied into the
 * Docker image as /app/workflows), which are listed and runnable but read-only.
 *
 * Names: one or two segments joined by `/` (a folder and a name, e.g. `basics/image-chain`,
 * `team/upscale 2x`). Each segment starts with a letter or digit, continues with letters,
 * digits, space, `_`, `.` or `-` (at most 100 characters), does not end with a dot or a space,
 * holds no `..` and is not a reserved device name (CON, NUL, COM1…). Nothing else — no other
 * separators, no backslashes, no control characters, no absolute paths — so a name can never
 * reach outside the folder, whatever a client sends. A name maps to `<segments>.json`.
 *
 * Examples win: their names cannot be saved over or deleted (`conflict`), so every install
 * runs the same `basics/image-chain`. Writes are atomic (temp file, fsync, rename) and
 * serialised per file; concurrent saves of one name end with one of them whole.
 */
import { mkdir, readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SwitchyardError } from '../errors.js';
import type { Logger } from '../nodes/context.js';
import { durableTextFile } from './durable-text-file.js';

/** dist/engine/store → the repository (or image) root's `workflows/` folder. */
export const EXAMPLE_WORKFLOWS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'workflows');

export const WORKFLOW_NAME_RULES =
  'a workflow name is one or two parts joined by "/", each starting with a letter or digit, then letters, digits, spaces, "_", "." or "-" (at most 100), not ending with "." or a space, without ".."';

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

/** Why `name` is not a valid workflow name, or undefined when it is. */
export function workflowNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0) return 'the name is empty';
  const parts = name.split('/');
  if (parts.length > 2) return 'at most one folder level ("folder/name") is allowed';
  for (const part of parts) {
    if (!SEGMENT.test(part)) return `"${printable(part)}" has characters that are not allowed`;
    if (part.includes('..')) return `"${part}" contains ".."`;
    if (part.endsWith('.') || part.endsWith(' ')) return `"${part}" ends with a dot or a space`;
    if (RESERVED.test(part)) return `"${part}" is a reserved device name`;
  }
  return undefined;
}

/** The name, checked: throws `invalid_input` explaining the rules otherwise. */
export function checkWorkflowName(name: unknown): string {
  const problem = workflowNameProblem(name);
  if (problem !== undefined) {
    throw new SwitchyardError('invalid_input', `invalid workflow name: ${problem}; ${WORKFLOW_NAME_RULES}`, { name: typeof name === 'string' ? printable(name) : name });
  }
  return name as string;
}

function printable(text: string): string {
  return JSON.stringify(text.slice(0, 120)).slice(1, -1);
}

export interface WorkflowEntry {
  name: string;
  /** Shipped with Switchyard: read-only. */
  example: boolean;
  /** Bytes of the file. */
  size: number;
  /** Last change, epoch ms. */
  updatedAt: number;
}

export interface StoredWorkflow {
  entry: WorkflowEntry;
  /** The file's JSON text, as saved. */
  text: string;
}

export interface WorkflowStore {
  /** `<data>/workflows`. */
  readonly dir: string;
  /** Saved workflows and examples, by name. */
  list(): Promise<WorkflowEntry[]>;
  /** undefined when there is no such workflow. Throws `invalid_input` for an invalid name. */
  read(name: string): Promise<StoredWorkflow | undefined>;
  /** Writes the text under `name` (atomically); `conflict` for an example's name. */
  save(name: string, text: string): Promise<{ entry: WorkflowEntry; created: boolean }>;
  /** false when there was nothing to delete; `conflict` for an example. */
  remove(name: string): Promise<boolean>;
}

export interface WorkflowStoreOptions {
  dataDir: string;
  log: Logger;
  /** Folder of shipped examples (default: the repository's `workflows/`). */
  examplesDir?: string;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** `*.json` files of `dir` and of its subfolders (one level), as names → paths. */
async function scanFolder(dir: string, log: Logger): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const visit = async (folder: string, prefix: string, depth: number) => {
    let entries;
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      if (entry.isDirectory() && depth === 0) {
        await visit(join(folder, entry.name), `${entry.name}/`, 1);
      } else if (entry.isFile() && entry.name.endsWith('.json')) {
        const name = `${prefix}${entry.name.slice(0, -'.json'.length)}`;
        if (workflowNameProblem(name) === undefined) found.set(name, join(folder, entry.name));
        else log.debug({ path: join(folder, entry.name) }, 'a workflow file whose name is not a valid workflow name is not listed');
      }
    }
  };
  await visit(dir, '', 0);
  return found;
}

async function entryOf(name: string, path: string, example: boolean): Promise<WorkflowEntry | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? { name, example, size: info.size, updatedAt: Math.round(info.mtimeMs) } : undefined;
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}

export function createWorkflowStore(options: WorkflowStoreOptions): WorkflowStore {
  const dir = join(options.dataDir, 'workflows');
  const examplesDir = options.examplesDir ?? EXAMPLE_WORKFLOWS_DIR;
  const log = options.log.child({ component: 'workflow-store' });
  // Examples ship with the code and do not change while it runs: scanned once.
  let examples: Promise<Map<string, string>> | undefined;
  const exampleFiles = () => {
    examples ??= scanFolder(examplesDir, log).catch((error: unknown) => {
      log.error({ err: error, dir: examplesDir }, 'the example workflows could not be read; none are listed');
      return new Map<string, string>();
    });
    return examples;
  };
  const userPath = (name: string) => `${join(dir, ...name.split('/'))}.json`;

  // One write or delete at a time per file.
  const chains = new Map<string, Promise<unknown>>();
  const serialised = <T>(path: string, work: () => Promise<T>): Promise<T> => {
    const previous = chains.get(path) ?? Promise.resolve();
    const next = previous.then(work, work);
    chains.set(path, next);
    const cleanup = () => {
      if (chains.get(path) === next) chains.delete(path);
    };
    next.then(cleanup, cleanup);
    return next;
  };

  const refuseExample = async (name: string, action: string) => {
    if ((await exampleFiles()).has(name)) {
      throw new SwitchyardError('conflict', `"${name}" is an example workflow shipped with Switchyard and cannot be ${action}; save a copy under another name`, { name });
    }
  };

  return {
    dir,

    async list() {
      const shipped = await exampleFiles();
      const saved = await scanFolder(dir, log);
      const entries: WorkflowEntry[] = [];
      for (const [name, path] of shipped) {
        const entry = await entryOf(name, path, true);
        if (entry) entries.push(entry);
      }
      for (const [name, path] of saved) {
        if (shipped.has(name)) continue;
        const entry = await entryOf(name, path, false);
        if (entry) entries.push(entry);
      }
      return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    },

    async read(name) {
      checkWorkflowName(name);
      const examplePath = (await exampleFiles()).get(name);
      const path = examplePath ?? userPath(name);
      try {
        const [text, entry] = await Promise.all([readFile(path, 'utf8'), entryOf(name, path, examplePath !== undefined)]);
        return entry ? { entry: { ...entry, size: Buffer.byteLength(text) }, text } : undefined;
      } catch (error) {
        if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'EISDIR') return undefined;
        throw error;
      }
    },

    async save(name, text) {
      checkWorkflowName(name);
      await refuseExample(name, 'overwritten');
      const path = userPath(name);
      return serialised(path, async () => {
        const existed = (await entryOf(name, path, false)) !== undefined;
        await mkdir(dirname(path), { recursive: true });
        await durableTextFile(path).write(text);
        const entry = await entryOf(name, path, false);
        if (!entry) throw new SwitchyardError('internal', `workflow "${name}" was written but cannot be found`, { name });
        log.info({ workflow: name, bytes: entry.size, created: !existed }, 'workflow saved');
        return { entry, created: !existed };
      });
    },

    async remove(name) {
      checkWorkflowName(name);
      await refuseExample(name, 'deleted');
      const path = userPath(name);
      return serialised(path, async () => {
        if ((await entryOf(name, path, false)) === undefined) return false;
        await rm(path);
        if (name.includes('/')) {
          // An emptied folder goes too; one still holding workflows stays.
          await rmdir(dirname(path)).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST' && !isMissing(error)) throw error;
          });
        }
        log.info({ workflow: name }, 'workflow deleted');
        return true;
      });
    },
  };
}
