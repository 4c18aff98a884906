/**
 * Live run events over socket.io (served by the server at /socket.io; the client library is
 * bundled). The socket connects with this tab's client id, so the runs it submits report to
 * it; each event updates the run state of the node it names and redraws: running highlight,
 * progress, cached badge, time, preview and output images, texts, and errors.
 */
import { io, type Socket } from 'socket.io-client';
import { currentToken, fetchBitmap } from '../api.js';
import { makeRoomForImages } from '../graph/draw-state.js';
import { formatDuration, resetRunState, setImages } from '../graph/run-state.js';
import type {
  NodeCachedEvent, NodeErrorEvent, NodeOutputEvent, NodePreviewEvent, NodeProgressEvent, NodeStartedEvent, RunEndedEvent, RunStartedEvent, UiResultView,
} from '../wire.js';
import type { StatefulNode } from '../graph/editor-node.js';
import { redraw, shownNode, statefulNodes, type EditorContext } from './context.js';

export interface LiveClient {
  /** Follow this run (events of other runs are ignored). */
  follow(runId: string): void;
  readonly socket: Socket;
  /** Resolves when the followed run ends (for tests and the Run button state). */
  onRunEnded(listener: (event: RunEndedEvent & { outcome: string }) => void): void;
  /** Called with each run this tab submitted, as soon as it is followed (the runs panel names it). */
  onFollow(listener: (runId: string) => void): void;
}

/**
 * Shows the files and texts of a node's output on the node that shows it once they have loaded:
 * `current` finds it again (an undo may have replaced it meanwhile; after a tab switch there is
 * none, and the gallery has the files).
 */
async function showOutputs(ctx: EditorContext, current: () => StatefulNode | undefined, ui: UiResultView): Promise<void> {
  const images = await Promise.all((ui.images ?? []).slice(0, 8).map((file) => fetchBitmap(file.url)));
  const node = current();
  if (!node) {
    for (const image of images) image.close();
    return;
  }
  if (images.length > 0) {
    setImages(node.runState, images, false);
    makeRoomForImages(node, images[0]!);
  }
  if (ui.text && ui.text.length > 0) node.runState.texts = ui.text;
  redraw(ctx);
}

export function connectLive(ctx: EditorContext): LiveClient {
  const token = currentToken();
  const socket = io({ path: '/socket.io', auth: { clientId: ctx.clientId, ...(token ? { token } : {}) }, transports: ['websocket', 'polling'] });
  let followed: string | undefined;
  // The tab that submitted the followed run: while another tab is shown, its nodes (which may
  // share ids with the run's) get none of the run's states; the status line still reports it.
  let followedTab: number | undefined;
  const onRunTab = () => ctx.currentTab === undefined || ctx.currentTab() === followedTab;
  const endListeners: ((event: RunEndedEvent & { outcome: string }) => void)[] = [];
  const followListeners: ((runId: string) => void)[] = [];
  const mine = (event: { run_id: string }) => event.run_id === followed;
  // Inner nodes of a subgraph run as "<instance>:<inner>": their states show on the instance.
  const node = (id: string) => (onRunTab() ? shownNode(ctx.graph, id)?.node : undefined);
  // A small run can finish before the answer to its POST arrives: events of runs not followed
  // yet wait here and are replayed by follow().
  const waiting: { handler: (payload: never) => void; payload: { run_id: string } }[] = [];
  const on = <T extends { run_id: string }>(name: string, handler: (payload: T) => void) => {
    socket.on(name, (payload: T) => {
      if (payload.run_id === followed) handler(payload);
      else if (waiting.length < 2000) waiting.push({ handler: handler as (payload: never) => void, payload });
    });
  };

  socket.on('connect_error', (error: Error) => ctx.status(`Live events unavailable: ${error.message}`, 'error'));
  on('run:started', (event: RunStartedEvent) => {
    if (!mine(event)) return;
    for (const id of event.nodes) {
      const target = node(id);
      if (target && target.runState.status === 'idle') target.runState.status = 'queued';
    }
    ctx.status('Running…', 'busy');
    redraw(ctx);
  });
  on('node:started', (event: NodeStartedEvent) => {
    const target = mine(event) ? node(event.node_id) : undefined;
    if (!target) return;
    target.runState.status = 'running';
    target.runState.progress = undefined;
    redraw(ctx);
  });
  on('node:progress', (event: NodeProgressEvent) => {
    const target = mine(event) ? node(event.node_id) : undefined;
    if (!target || event.total <= 0) return;
    target.runState.progress = Math.min(1, Math.max(0, event.done / event.total));
    target.progress = target.runState.progress;
    redraw(ctx);
  });
  on('node:cached', (event: NodeCachedEvent) => {
    if (!mine(event)) return;
    for (const id of event.node_ids) {
      const target = node(id);
      if (target) target.runState.status = 'cached';
    }
    redraw(ctx);
  });
  on('node:preview', (event: NodePreviewEvent) => {
    const target = mine(event) ? node(event.node_id) : undefined;
    if (!target || target.runState.status !== 'running') return;
    void createImageBitmap(new Blob([event.data], { type: event.mime })).then((bitmap) => {
      if (target.runState.status !== 'running') return bitmap.close();
      target.runState.sizeBeforePreview ??= [target.size[0], target.size[1]];
      setImages(target.runState, [bitmap], true);
      makeRoomForImages(target, bitmap);
      redraw(ctx);
    }, () => undefined);
  });
  on('node:output', (event: NodeOutputEvent) => {
    const target = mine(event) ? node(event.node_id) : undefined;
    if (!target) return;
    target.runState.status = event.cached ? 'cached' : 'done';
    target.runState.durationMs = event.duration_ms;
    target.runState.progress = undefined;
    target.progress = undefined;
    if (target.runState.preview) setImages(target.runState, [], false);
    const before = target.runState.sizeBeforePreview;
    if (before && !(event.ui?.images?.length)) target.setSize(before);
    target.runState.sizeBeforePreview = undefined;
    if (event.ui) showOutputs(ctx, () => node(event.node_id), event.ui).catch((error: unknown) => ctx.status(`Could not show the output of node ${event.node_id}: ${String(error)}`, 'error'));
    redraw(ctx);
  });
  on('node:error', (event: NodeErrorEvent) => {
    const target = mine(event) ? node(event.node_id) : undefined;
    if (!target) return;
    target.runState.status = 'error';
    target.runState.error = `${event.code}: ${event.message}`;
    target.progress = undefined;
    target.has_errors = true;
    redraw(ctx);
  });
  const ended = (outcome: string) => (event: RunEndedEvent) => {
    if (!mine(event)) return;
    for (const target of onRunTab() ? statefulNodes(ctx.graph) : []) {
      if (target.runState.status === 'queued' || target.runState.status === 'running') target.runState.status = 'idle';
      target.progress = undefined;
    }
    const took = event.run.duration_ms !== null ? ` in ${formatDuration(event.run.duration_ms)}` : '';
    const first = event.run.errors[0];
    if (outcome === 'finished') ctx.status(`Run finished${took}: ${event.run.executed.length} ran, ${event.run.cached.length} cached`, 'ok');
    else ctx.status(`Run ${outcome}${took}${first ? `: ${first.message}` : ''}`, outcome === 'cancelled' ? 'info' : 'error');
    redraw(ctx);
    for (const listener of endListeners) listener({ ...event, outcome });
  };
  on('run:finished', ended('finished'));
  on('run:failed', ended('failed'));
  on('run:interrupted', ended('interrupted'));
  on('run:cancelled', ended('cancelled'));

  return {
    socket,
    follow(runId) {
      followed = runId;
      followedTab = ctx.currentTab?.();
      const replay = waiting.filter((entry) => entry.payload.run_id === runId);
      waiting.length = 0;
      for (const listener of followListeners) listener(runId);
      for (const entry of replay) entry.handler(entry.payload as never);
    },
    onRunEnded(listener) {
      endListeners.push(listener);
    },
    onFollow(listener) {
      followListeners.push(listener);
    },
  };
}

/** Clears every node's state from the previous run (and its validation marks). */
export function clearRunStates(ctx: EditorContext): void {
  for (const target of statefulNodes(ctx.graph)) {
    resetRunState(target.runState);
    target.progress = undefined;
    target.has_errors = 'kind' in target && target.kind === 'missing';
  }
  redraw(ctx);
}
