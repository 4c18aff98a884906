/**
 * Whether a legacy route can run now, decided at request time and never faked: its workflow
 * file must be installed and every node type it uses must be registered. When not, the answer
 * is a 501 `not_available` naming the missing node types, the pack that brings each and the
 * issue that builds it. Until a route's workflow file exists, the node types it is planned to
 * use (its table entry's `needs`) stand in for the file's.
 */
import { SwitchyardError } from '../../errors.js';
import type { ApiWorkflow } from '../../graph/api-format.js';
import { parseWorkflow } from '../../graph/parse.js';
import type { NodeRegistry } from '../../nodes/registry.js';

/** The packs legacy workflows draw on, and where each comes from. */
export const PACKS = {
  core: { label: 'the built-in core pack', source: 'built in' },
  image: { label: 'the built-in image pack', source: 'built in' },
  diffusion: { label: 'the diffusion pack', source: 'the model runtime issue (#5)' },
  controlnet: { label: 'the controlnet pack', source: 'a later ControlNet issue (not filed yet)' },
  caption: { label: 'the caption pack', source: 'a later captioning / vision-language issue (not filed yet)' },
  video: { label: 'the video pack', source: 'a later video issue (not filed yet)' },
  audio: { label: 'the audio pack', source: 'a later audio / TTS issue (not filed yet)' },
  lipsync: { label: 'the lipsync pack', source: 'a later talking-head issue (not filed yet)' },
  comfyui: { label: 'the comfyui bridge pack', source: 'a later issue for running work on a remote ComfyUI (not filed yet)' },
} as const;
export type PackName = keyof typeof PACKS;

/** A node type a route's workflow uses, and the pack expected to register it. */
export interface NodeNeed {
  type: string;
  pack: PackName;
}

/** A stored workflow: its document (JSON text or value, either format). */
export interface FoundWorkflow {
  document: unknown;
}

/** Looks a workflow up by name (the saved-workflow store, which includes the shipped examples). */
export type WorkflowFinder = (name: string) => Promise<FoundWorkflow | undefined>;

export interface Availability {
  /** The workflow document as stored. */
  document: unknown;
  /** Its parsed form, for the node ids the route's parameters address. */
  workflow: ApiWorkflow;
}

export interface AvailabilityRequest {
  /** `POST /api/generate/flux`, for messages. */
  route: string;
  /** What the route does, for messages: "text-to-image". */
  task: string;
  workflow: string;
  needs: readonly NodeNeed[];
  registry: NodeRegistry;
  find: WorkflowFinder;
}

function listTypes(types: readonly string[]): string {
  return types.join(', ');
}

/** Groups missing node types by the pack that brings them ("… from the diffusion pack (…)"). */
function describeMissing(missing: readonly string[], packOf: (type: string) => PackName | undefined): { text: string; packs: { pack: string; brings: string[]; source: string }[] } {
  const byPack = new Map<string, string[]>();
  for (const type of missing) {
    const pack = packOf(type) ?? 'unknown';
    byPack.set(pack, [...(byPack.get(pack) ?? []), type]);
  }
  const packs = [...byPack].map(([pack, brings]) => ({
    pack,
    brings,
    source: pack === 'unknown' ? 'no known pack' : PACKS[pack as PackName].source,
  }));
  const text = packs
    .map((entry) => (entry.pack === 'unknown' ? `${listTypes(entry.brings)} (which no known pack provides)` : `${listTypes(entry.brings)} from ${PACKS[entry.pack as PackName].label} (${entry.source})`))
    .join('; and ');
  return { text, packs };
}

/** The route's workflow, ready to run; throws `not_available` (501) saying what is missing. */
export async function checkAvailability(request: AvailabilityRequest): Promise<Availability> {
  const found = await request.find(request.workflow);
  const planned = new Map(request.needs.map((need) => [need.type, need.pack]));
  let workflow: ApiWorkflow | undefined;
  let types: string[];
  if (found) {
    const parsed = parseWorkflow(found.document, request.registry);
    if (!parsed.ok) {
      throw new SwitchyardError('internal', `the workflow ${request.workflow} behind ${request.route} cannot be read: ${parsed.issues.map((i) => i.message).join('; ')}`, { workflow: request.workflow });
    }
    workflow = parsed.workflow;
    types = [...new Set(Object.values(parsed.workflow.nodes).map((node) => node.type))];
  } else {
    types = [...planned.keys()];
  }
  const missing = types.filter((type) => !request.registry.has(type));
  if (found && workflow && missing.length === 0) return { document: found.document, workflow };

  const parts: string[] = [];
  let packs: { pack: string; brings: string[]; source: string }[] = [];
  if (missing.length > 0) {
    const described = describeMissing(missing, (type) => planned.get(type));
    packs = described.packs;
    parts.push(`${request.task} needs the node types ${described.text}`);
  }
  if (!found) parts.push(`its workflow ${request.workflow} is not installed (expected as the saved workflow "${request.workflow}", e.g. workflows/${request.workflow}.json)`);
  throw new SwitchyardError('not_available', `${request.route} is not available yet: ${parts.join(', and ')}`, {
    route: request.route,
    workflow: request.workflow,
    workflow_installed: found !== undefined,
    missing_node_types: missing,
    missing_packs: packs,
  });
}
