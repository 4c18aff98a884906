/**
 * Importing one pack module (ESM dynamic import by file URL) and checking that its default
 * export is a pack: a `definePack(...)` result whose nodes are `defineNode(...)` results.
 * Every failure comes back as a reason string; nothing thrown by the pack escapes.
 */
import { pathToFileURL } from 'node:url';
import { definePack, type PackDefinition } from '../nodes/pack.js';
import type { AnyNodeType } from '../nodes/define.js';

export type ImportPackResult = { ok: true; pack: PackDefinition } | { ok: false; reason: string };

/** One line saying what went wrong, with the file location a syntax error carries only in its stack. */
export function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return `threw ${typeof error === 'string' ? JSON.stringify(error) : String(error)}`;
  const head = `${error.name}: ${error.message}`;
  const firstStackLine = error.stack?.split('\n', 1)[0] ?? '';
  return firstStackLine.startsWith('file://') ? `${head} (at ${firstStackLine})` : head;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return isObject(value) && typeof value.then === 'function';
}

/** Structural check: what defineNode returns (a pack may have been built against another copy of the API). */
function isNodeType(value: unknown): value is AnyNodeType {
  return (
    isObject(value) &&
    typeof value.type === 'string' &&
    typeof value.run === 'function' &&
    Array.isArray(value.inputNames) &&
    Array.isArray(value.widgetNames) &&
    Array.isArray(value.outputNames) &&
    Array.isArray(value.aliasList) &&
    isObject(value.inputs) &&
    isObject(value.outputs)
  );
}

function checkShape(value: unknown): ImportPackResult {
  if (!isObject(value) || !('nodes' in value || 'name' in value)) {
    return { ok: false, reason: `default export is not a pack (expected export default definePack({...})), got ${value === null ? 'null' : typeof value}` };
  }
  let pack: PackDefinition;
  try {
    pack = definePack(value as unknown as PackDefinition);
  } catch (error) {
    return { ok: false, reason: `default export is not a valid pack: ${(error as Error).message}` };
  }
  const problems: string[] = [];
  (pack.nodes as readonly unknown[]).forEach((node, index) => {
    if (!isNodeType(node)) {
      const type = isObject(node) && typeof node.type === 'string' ? ` (${node.type})` : '';
      problems.push(`nodes[${index}]${type} is not a defineNode(...) result`);
    }
  });
  if (pack.dataTypes !== undefined) {
    if (!Array.isArray(pack.dataTypes)) problems.push('dataTypes must be an array');
    else (pack.dataTypes as readonly unknown[]).forEach((info, index) => {
      if (!isObject(info) || typeof info.name !== 'string' || info.name.length === 0) problems.push(`dataTypes[${index}] needs a name`);
    });
  }
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  return { ok: true, pack };
}

export async function importPack(file: string): Promise<ImportPackResult> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    // Syntax errors from a dynamic import carry no file location, so the reason names the entry.
    return { ok: false, reason: `import of ${file} failed: ${describeThrown(error)}` };
  }
  if (!('default' in module) || module.default === undefined) {
    return { ok: false, reason: 'the module has no default export (expected export default definePack({...}))' };
  }
  let exported: unknown = module.default;
  if (isThenable(exported)) {
    try {
      exported = await exported;
    } catch (error) {
      return { ok: false, reason: `default export rejected: ${describeThrown(error)}` };
    }
  }
  return checkShape(exported);
}
