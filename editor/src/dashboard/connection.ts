/**
 * The line under the header that says whether the dashboard reaches the server ("Updated
 * 12:00:01" or why not), and the API token form shown when the server answers 401: the token
 * goes where the editor keeps it (api.ts, this tab's sessionStorage) and the shown page reloads.
 */
import { ApiError, currentToken, setToken } from '../api.js';
import { button, el } from '../ui/dom.js';
import { formatClock } from './format.js';

export interface Connection {
  /** The shown page's data arrived. */
  ok(): void;
  /** A request failed: says why, and asks for a token on 401. */
  failed(error: unknown): void;
  /** Called after a new token was entered. */
  onTokenChange(listener: () => void): void;
}

/** A sentence for a failed request: the server's own message, or why the server was not reached. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return `cannot reach the server (${error.message}): is it running?`;
  return error instanceof Error ? error.message : String(error);
}

export function mountConnection(line: HTMLElement, tokenHost: HTMLElement): Connection {
  const listeners: (() => void)[] = [];
  const input = el('input', { type: 'password', id: 'dash-token-input', autocomplete: 'off', 'data-testid': 'token-input' });
  const form = el('form', { className: 'dash-token-form' }, [
    el('label', { for: 'dash-token-input' }, ['This server needs an API token:']),
    input,
    el('button', { type: 'submit', className: 'primary' }, ['Use token']),
    button('Cancel', () => (tokenHost.hidden = true)),
  ]);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    setToken(input.value.trim());
    input.value = '';
    tokenHost.hidden = true;
    for (const listener of listeners) listener();
  });
  tokenHost.replaceChildren(form);
  const show = (text: string, kind: 'ok' | 'error') => {
    line.textContent = text;
    line.dataset.kind = kind;
  };
  return {
    ok() {
      show(`Connected · updated ${formatClock(Date.now())}`, 'ok');
    },
    failed(error) {
      if (error instanceof ApiError && error.status === 401) {
        show(currentToken() === undefined ? 'This server requires an API token.' : 'The API token was refused: enter the right one.', 'error');
        if (tokenHost.hidden) {
          tokenHost.hidden = false;
          input.focus();
        }
        return;
      }
      show(`Not updated: ${describeError(error)}`, 'error');
    },
    onTokenChange(listener) {
      listeners.push(listener);
    },
  };
}
