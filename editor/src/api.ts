/**
 * The HTTP client of the editor: same-origin fetches that carry the API token (when the server
 * wants one) as `Authorization: Bearer`, and turn every non-2xx answer into an `ApiError` with
 * the server's stable error code and details.
 *
 * The token arrives once as `?token=` in the page address; it is kept in sessionStorage (this
 * tab only, gone when the tab closes) and removed from the address bar so it is not bookmarked
 * or shared by copying the URL.
 */
import type { ErrorBody } from './wire.js';

const TOKEN_KEY = 'switchyard.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Moves a `?token=` from the address into sessionStorage (call once, at start). */
export function captureTokenFromAddress(): void {
  const url = new URL(window.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  if (token.length > 0) sessionStorage.setItem(TOKEN_KEY, token);
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
}

export function currentToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

export function setToken(token: string): void {
  if (token.length > 0) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function authHeaders(): Record<string, string> {
  const token = currentToken();
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

async function errorFrom(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (body.error && typeof body.error.code === 'string') {
      return new ApiError(response.status, body.error.code, body.error.message ?? response.statusText, body.error.details ?? {});
    }
  } catch {
    // Not JSON (a proxy's HTML page, say): the status line and the start of the text say enough.
  }
  return new ApiError(response.status, 'http_error', `${response.status} ${response.statusText}: ${text.slice(0, 200)}`, {});
}

/** A fetch with the token; throws ApiError for any non-2xx answer. */
export async function request(path: string, init: { method?: string; body?: unknown } = {}): Promise<Response> {
  const headers: Record<string, string> = { ...authHeaders() };
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  }
  const response = await fetch(path, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  if (!response.ok) throw await errorFrom(response);
  return response;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await (await request(path)).json()) as T;
}

export async function sendJson<T>(method: string, path: string, body: unknown): Promise<T> {
  return (await (await request(path, { method, body })).json()) as T;
}

/** An image the server produced, decoded for drawing on the canvas. */
export async function fetchBitmap(path: string): Promise<ImageBitmap> {
  const response = await request(path);
  return createImageBitmap(await response.blob());
}

/** `/api/workflows/<name>` with each segment of the name encoded (names may hold folders). */
export function workflowPath(name: string): string {
  return `/api/workflows/${name.split('/').map(encodeURIComponent).join('/')}`;
}
