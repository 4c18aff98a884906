/**
 * Run-time check of what a node returned: an object with every declared output, each passing
 * its data type's check (when the type has one), and an optional `ui` object. Turns the result
 * into the output array the cache and the downstream nodes use.
 */
import { SwitchyardError } from '../errors.js';
import { describe, type DataTypeInfo } from '../nodes/data-types.js';
import type { AnyNodeType } from '../nodes/define.js';
import type { UiResult } from '../nodes/values.js';
import type { CacheEntry } from '../cache/output-cache.js';

const NO_OUTPUTS: unknown[] = [];

/** The problem the data type `name`'s check finds with `value`; undefined when it passes or the type has no check. */
function checkOne(value: unknown, name: string, dataType: (name: string) => DataTypeInfo | undefined): string | undefined {
  const check = dataType(name)?.check;
  if (!check) return undefined;
  try {
    return check(value);
  } catch (error) {
    return `its ${name} check failed (${error instanceof Error ? error.message : String(error)})`;
  }
}

/**
 * The problem with `value` as `typeName` (a data type, or alternatives separated by commas:
 * passing any one is enough). Runs for every output of every node, so the common single-type
 * case allocates nothing.
 */
function typeProblem(value: unknown, typeName: string, dataType: (name: string) => DataTypeInfo | undefined): string | undefined {
  if (!typeName.includes(',')) return checkOne(value, typeName, dataType);
  const problems: string[] = [];
  for (const alternative of typeName.split(',')) {
    const problem = checkOne(value, alternative.trim(), dataType);
    if (problem === undefined) return undefined;
    problems.push(problem);
  }
  return problems.join('; or ');
}

function invalid(nodeId: string, type: AnyNodeType, message: string, details: Record<string, unknown>): SwitchyardError {
  return new SwitchyardError('node_output_invalid', `node ${nodeId} (${type.type}) ${message}`, { nodeId, nodeType: type.type, ...details });
}

/** Checks a node's return value against its declaration and returns it as a cache entry; throws `node_output_invalid`. */
export function readNodeResult(nodeId: string, type: AnyNodeType, result: unknown, dataType: (name: string) => DataTypeInfo | undefined): CacheEntry {
  const names = type.outputNames;
  if (result === undefined || result === null) {
    if (names.length === 0) return { outputs: NO_OUTPUTS };
    throw invalid(nodeId, type, `returned ${result === undefined ? 'nothing' : 'null'}; expected an object with ${names.map((n) => `"${n}"`).join(', ')}`, { outputs: names });
  }
  if (typeof result !== 'object' || Array.isArray(result)) {
    throw invalid(nodeId, type, `returned ${describe(result)}; expected an object${names.length > 0 ? ` with ${names.map((n) => `"${n}"`).join(', ')}` : ''}`, { outputs: names });
  }
  const record = result as Record<string, unknown>;
  const outputs: unknown[] = names.length === 0 ? NO_OUTPUTS : new Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = record[name];
    const declared = type.outputs[name]!.type;
    if (value === undefined) {
      const returned = Object.keys(record);
      throw invalid(nodeId, type, `did not return its output "${name}" (${declared}); it returned ${returned.length > 0 ? returned.map((n) => `"${n}"`).join(', ') : 'no outputs'}`, { output: name, returned });
    }
    const problem = typeProblem(value, declared, dataType);
    if (problem !== undefined) {
      throw invalid(nodeId, type, `returned ${name} as ${describe(value)}: ${problem}`, { output: name, expected: declared });
    }
    outputs[i] = value;
  }
  const ui = record.ui;
  if (ui === undefined) return { outputs };
  if (typeof ui !== 'object' || ui === null || Array.isArray(ui)) {
    throw invalid(nodeId, type, `returned ui as ${describe(ui)}; expected an object (e.g. { images: [...] })`, { output: 'ui' });
  }
  return { outputs, ui: ui as UiResult };
}
