/**
 * The runs API calls the panels make, and the address of a produced file as an element or a
 * download link uses it: `<img>`, `<video>` and `<a download>` cannot send the Authorization
 * header, so under an API token the address carries it as `?token=` (the server accepts that
 * for exactly this case).
 */
import { currentToken, getJson, sendJson } from '../api.js';
import type { CancelAnswer, RunDetail, RunPage } from './run-types.js';

const runPath = (id: string) => `/api/runs/${encodeURIComponent(id)}`;

export function listRuns(limit: number): Promise<RunPage> {
  return getJson<RunPage>(`/api/runs?limit=${limit}`);
}

export function getRun(id: string): Promise<RunDetail> {
  return getJson<RunDetail>(runPath(id));
}

export function cancelRun(id: string): Promise<CancelAnswer> {
  return sendJson<CancelAnswer>('DELETE', runPath(id), undefined);
}

export function requeueRun(id: string): Promise<{ id: string; number: number }> {
  return sendJson<{ id: string; number: number }>('POST', `${runPath(id)}/requeue`, {});
}

/** `url` (relative to the server) ready for an element's src or href. */
export function mediaUrl(url: string, options: { download?: boolean } = {}): string {
  const address = new URL(url, window.location.origin);
  if (options.download) address.searchParams.set('download', '1');
  const token = currentToken();
  if (token !== undefined) address.searchParams.set('token', token);
  return address.pathname + address.search;
}
