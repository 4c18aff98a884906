/**
 * Open tabs survive a reload of the page: when the page goes away (reload, navigation, closing)
 * every tab's graph, name, file label, unsaved-changes flag and view is written to the browser
 * tab's sessionStorage (also whenever the page is hidden, in case it never comes back), and the
 * next load of the editor in that browser tab opens them again.
 * Undo steps and run results are not kept. Each browser tab keeps its own set (sessionStorage
 * is per tab), so two editor windows never overwrite each other. Plain data and functions: the
 * snapshot is checked field by field on the way back in, and anything malformed is dropped.
 */

export const TAB_SESSION_KEY = 'switchyard.editor.tabs';
const SNAPSHOT_VERSION = 1;

export interface TabSnapshot {
  name: string | undefined;
  label: string | undefined;
  modified: boolean;
  /** The graph as graph-state.ts writes it (JSON text). */
  state: string;
  /** Whether `state` is what was last saved or opened (undoing back to it is not possible after a reload, but the marker stays right). */
  clean: boolean;
  view: { offset: [number, number]; scale: number } | undefined;
}

export interface TabsSnapshot {
  tabs: TabSnapshot[];
  /** Index of the current tab in `tabs`. */
  current: number;
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function readView(value: unknown): TabSnapshot['view'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const { offset, scale } = value as { offset?: unknown; scale?: unknown };
  if (!Array.isArray(offset) || offset.length !== 2 || !finite(offset[0]) || !finite(offset[1]) || !finite(scale) || scale <= 0) return undefined;
  return { offset: [offset[0], offset[1]], scale };
}

function readTab(value: unknown): TabSnapshot | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const tab = value as Record<string, unknown>;
  if (typeof tab.state !== 'string') return undefined;
  try {
    const graph: unknown = JSON.parse(tab.state);
    if (typeof graph !== 'object' || graph === null || Array.isArray(graph)) return undefined;
  } catch {
    return undefined;
  }
  return {
    name: optionalString(tab.name),
    label: optionalString(tab.label),
    modified: tab.modified === true,
    state: tab.state,
    clean: tab.clean === true,
    view: readView(tab.view),
  };
}

/** The snapshot in `text`, or undefined when there is none or it is not one this version wrote. */
export function parseTabsSnapshot(text: string | null | undefined): TabsSnapshot | undefined {
  if (!text) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof data !== 'object' || data === null) return undefined;
  const { version, tabs, current } = data as { version?: unknown; tabs?: unknown; current?: unknown };
  if (version !== SNAPSHOT_VERSION || !Array.isArray(tabs)) return undefined;
  const read = tabs.map(readTab).filter((tab): tab is TabSnapshot => tab !== undefined);
  if (read.length === 0) return undefined;
  const index = Number.isInteger(current) ? Math.min(Math.max(current as number, 0), read.length - 1) : 0;
  return { tabs: read, current: index };
}

export function serializeTabsSnapshot(snapshot: TabsSnapshot): string {
  return JSON.stringify({ version: SNAPSHOT_VERSION, ...snapshot });
}

/** Whether a snapshot is worth keeping: more than one tab, or one that is not blank and unnamed. */
export function worthRestoring(snapshot: TabsSnapshot, blankState: string): boolean {
  if (snapshot.tabs.length > 1) return true;
  const [only] = snapshot.tabs;
  return only !== undefined && (only.name !== undefined || only.label !== undefined || only.modified || only.state !== blankState);
}

/** The snapshot kept for this browser tab, if any. */
export function readStoredTabs(storage: Pick<Storage, 'getItem'>): TabsSnapshot | undefined {
  let text: string | null = null;
  try {
    text = storage.getItem(TAB_SESSION_KEY);
  } catch (error) {
    console.warn('switchyard: the open tabs of the last visit could not be read', error);
  }
  return parseTabsSnapshot(text);
}

/**
 * Keeps `snapshot` for the next load. When storage refuses it (a full quota), the tabs are lost
 * with a console warning — and the snapshot kept before is removed, so a reload never reopens
 * an older state as if it were the last one.
 */
export function storeTabs(storage: Pick<Storage, 'setItem' | 'removeItem'>, snapshot: TabsSnapshot | undefined): void {
  try {
    if (snapshot === undefined) storage.removeItem(TAB_SESSION_KEY);
    else storage.setItem(TAB_SESSION_KEY, serializeTabsSnapshot(snapshot));
  } catch (error) {
    console.warn('switchyard: the open tabs could not be kept for the next visit', error);
    try {
      storage.removeItem(TAB_SESSION_KEY);
    } catch {
      // Storage refuses everything (privacy mode): there is nothing stale to remove either.
    }
  }
}
