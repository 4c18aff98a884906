/**
 * Polls while a page is shown: runs `tick` at once, then again `intervalMs` after each one
 * finished (never two at once, however slow the server is), and skips ticks while the browser
 * tab is hidden. A tick that throws is handed to `onError` and polling goes on (the server may
 * come back). `refresh()` runs a tick now; `stop()` ends it.
 */
export interface Poller {
  refresh(): Promise<void>;
  stop(): void;
}

export function startPolling(tick: () => Promise<void>, intervalMs: number, onError: (error: unknown) => void): Poller {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;
  const schedule = () => {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), intervalMs);
  };
  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) return running;
    if (document.hidden) {
      schedule();
      return Promise.resolve();
    }
    running = tick().catch(onError).finally(() => {
      running = undefined;
      schedule();
    });
    return running;
  };
  const onVisible = () => {
    if (!document.hidden) void run();
  };
  document.addEventListener('visibilitychange', onVisible);
  void run();
  return {
    // A tick already under way may carry an old question (filters changed since): ask again after it.
    refresh: () => (running ? running.then(run) : run()),
    stop() {
      stopped = true;
      clearTimeout(timer);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}

/** A page's show/hide/refresh when it polls `tick` only while it is shown. */
export interface PolledPage {
  show(): void;
  hide(): void;
  /** A tick now (resolves when it is done); nothing while the page is hidden. */
  refresh(): Promise<void>;
}

export function pollWhileShown(tick: () => Promise<void>, intervalMs: number, onError: (error: unknown) => void): PolledPage {
  let poller: Poller | undefined;
  return {
    show() {
      poller?.stop();
      poller = startPolling(tick, intervalMs, onError);
    },
    hide() {
      poller?.stop();
      poller = undefined;
    },
    refresh: () => poller?.refresh() ?? Promise.resolve(),
  };
}
