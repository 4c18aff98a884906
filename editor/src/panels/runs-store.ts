/**
 * The recent runs, kept live for the queue and the gallery: `GET /api/runs` once at start and
 * again whenever the server says the queue changed (`queue:changed`, `history:removed`, a run
 * of this tab ended, the socket reconnected). Fetches are single-flight and at most a few a
 * second however busy the queue is, and none while no panel is shown.
 */
import type { Socket } from 'socket.io-client';
import { listRuns } from './runs-api.js';
import type { RunListItem } from './run-types.js';

const PAGE = 50;
const MIN_INTERVAL_MS = 300;

export interface RunsStore {
  /** Newest first (by submission number). */
  readonly items: readonly RunListItem[];
  /** Runs the server holds (queue and history). */
  readonly total: number;
  /** Why the last fetch failed, while it does. */
  readonly error: string | undefined;
  readonly loaded: boolean;
  subscribe(listener: () => void): void;
  /** Fetch again soon (coalesced). */
  refresh(): void;
  /** Ask for another page of history. */
  showMore(): void;
  /** Whether to keep fetching: an inactive store fetches once when it becomes active again. */
  setActive(active: boolean): void;
}

export function createRunsStore(socket: Socket): RunsStore {
  const listeners: (() => void)[] = [];
  let limit = PAGE;
  let active = true;
  let stale = false;
  let inFlight = false;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastFetch = 0;
  const store = {
    items: [] as RunListItem[],
    total: 0,
    error: undefined as string | undefined,
    loaded: false,
    subscribe(listener: () => void) {
      listeners.push(listener);
    },
    refresh,
    showMore() {
      limit = Math.min(500, limit + PAGE);
      refresh();
    },
    setActive(value: boolean) {
      active = value;
      if (active && stale) refresh();
    },
  };

  async function fetchNow(): Promise<void> {
    inFlight = true;
    lastFetch = performance.now();
    try {
      const page = await listRuns(limit);
      store.items = [...page.items].sort((a, b) => b.number - a.number);
      store.total = page.total;
      store.error = undefined;
      store.loaded = true;
    } catch (error) {
      store.error = error instanceof Error ? error.message : String(error);
    } finally {
      inFlight = false;
    }
    for (const listener of listeners) listener();
    if (again) {
      again = false;
      refresh();
    }
  }

  function refresh(): void {
    if (!active) {
      stale = true;
      return;
    }
    stale = false;
    if (inFlight) {
      again = true;
      return;
    }
    if (timer !== undefined) return;
    const wait = Math.max(0, lastFetch + MIN_INTERVAL_MS - performance.now());
    timer = setTimeout(() => {
      timer = undefined;
      void fetchNow();
    }, wait);
  }

  for (const event of ['connect', 'queue:changed', 'history:removed']) socket.on(event, refresh);
  refresh();
  return store;
}
