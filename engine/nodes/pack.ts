/**
 * A node pack: a manifest (name, version, the engine versions it supports) and the node types
 * and data types it adds. Built-in packs and community packs are declared the same way.
 */
import { SwitchyardError } from '../errors.js';
import type { DataTypeInfo } from './data-types.js';
import type { AnyNodeType } from './define.js';

export interface PackManifest {
  /** Unique pack name, e.g. `image` or `switchyard-nodes-upscale`. */
  name: string;
  /** The pack's own semver version. */
  version: string;
  /** Semver range of engine versions the pack works with, e.g. `^0.1.0`. */
  engine: string;
  description?: string;
}

export interface PackDefinition extends PackManifest {
  nodes: readonly AnyNodeType[];
  dataTypes?: readonly DataTypeInfo[];
}

const PACK_NAME = /^[A-Za-z0-9@][A-Za-z0-9@._/-]*$/;

export function definePack(definition: PackDefinition): PackDefinition {
  const problems: string[] = [];
  if (typeof definition.name !== 'string' || !PACK_NAME.test(definition.name)) problems.push(`name ${JSON.stringify(definition.name)} is not a valid pack name`);
  if (typeof definition.version !== 'string' || definition.version.length === 0) problems.push('version is required');
  if (typeof definition.engine !== 'string' || definition.engine.length === 0) problems.push('engine (a semver range) is required');
  if (!Array.isArray(definition.nodes)) problems.push('nodes must be an array of defineNode(...) results');
  if (problems.length > 0) {
    throw new SwitchyardError('pack_load_failed', `pack ${String(definition.name)}: ${problems.join('; ')}`, { pack: definition.name, problems });
  }
  return Object.freeze({ ...definition });
}
