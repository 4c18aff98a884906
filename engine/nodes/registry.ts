/**
 * The node registry: every known node type by id and by alias, and every data type. Filled by
 * the pack loader; read by validation, conversion, the executor and the server.
 */
import { SwitchyardError } from '../errors.js';
import { BUILTIN_DATA_TYPES, type DataTypeInfo } from './data-types.js';
import type { AnyNodeType, NodeAlias } from './define.js';

export interface ResolvedNodeType {
  node: AnyNodeType;
  /** Set when the name used was an alias (input names may need renaming). */
  alias?: NodeAlias;
}

export class NodeRegistry {
  private readonly byType = new Map<string, AnyNodeType>();
  /** `{ node }` per type id, made once: resolve() runs for every node of every workflow. */
  private readonly resolvedByType = new Map<string, ResolvedNodeType>();
  private readonly byAlias = new Map<string, { node: AnyNodeType; alias: NodeAlias }>();
  private readonly packByType = new Map<string, string>();
  private readonly dataTypeMap = new Map<string, DataTypeInfo>();
  private revision = 0;

  constructor() {
    for (const info of BUILTIN_DATA_TYPES) this.dataTypeMap.set(info.name, info);
  }

  /** Bumped on every change; lets callers cache derived views (e.g. serialised definitions). */
  get version(): number {
    return this.revision;
  }

  /** Names that `nodes` would clash with (as type ids or aliases), without adding anything. */
  conflicts(nodes: readonly AnyNodeType[]): string[] {
    const seen = new Set<string>();
    const clashes: string[] = [];
    for (const node of nodes) {
      for (const name of [node.type, ...node.aliasList.map((a) => a.type)]) {
        if (this.byType.has(name) || this.byAlias.has(name) || seen.has(name)) clashes.push(name);
        seen.add(name);
      }
    }
    return clashes;
  }

  /** Adds a pack's node types; all or nothing. */
  addAll(nodes: readonly AnyNodeType[], pack: string): void {
    const clashes = this.conflicts(nodes);
    if (clashes.length > 0) {
      throw new SwitchyardError('pack_conflict', `pack ${pack} redefines existing node types: ${clashes.join(', ')}`, { pack, types: clashes });
    }
    for (const node of nodes) {
      this.byType.set(node.type, node);
      this.resolvedByType.set(node.type, Object.freeze({ node }));
      this.packByType.set(node.type, pack);
      for (const alias of node.aliasList) this.byAlias.set(alias.type, { node, alias });
    }
    this.revision++;
  }

  addDataTypes(types: readonly DataTypeInfo[]): void {
    for (const info of types) if (!this.dataTypeMap.has(info.name)) this.dataTypeMap.set(info.name, info);
    this.revision++;
  }

  /** Looks a node type up by id or alias. */
  resolve(name: string): ResolvedNodeType | undefined {
    return this.resolvedByType.get(name) ?? this.byAlias.get(name);
  }

  get(type: string): AnyNodeType | undefined {
    return this.byType.get(type) ?? this.byAlias.get(type)?.node;
  }

  has(name: string): boolean {
    return this.byType.has(name) || this.byAlias.has(name);
  }

  packOf(type: string): string | undefined {
    return this.packByType.get(type);
  }

  list(): AnyNodeType[] {
    return [...this.byType.values()];
  }

  dataType(name: string): DataTypeInfo | undefined {
    return this.dataTypeMap.get(name);
  }

  dataTypes(): DataTypeInfo[] {
    return [...this.dataTypeMap.values()];
  }
}
