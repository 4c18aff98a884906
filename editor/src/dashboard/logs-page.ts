/**
 * The Logs page: a live tail of the server's log buffer (`GET /api/logs`, polled with
 * `after=<last seq>` so each poll brings only new lines), a minimum-level filter and a text
 * filter (both applied by the server), "follow" (keep the newest line in view) and Clear
 * (`DELETE /api/logs`, for everyone). A generation number drops answers to requests made
 * before the filters changed or the log was cleared, so old lines never come back.
 */
import { getJson, request } from '../api.js';
import { button, el } from '../ui/dom.js';
import type { Connection } from './connection.js';
import { describeError } from './connection.js';
import { formatClock } from './format.js';
import { pollWhileShown } from './poller.js';
import type { DashboardPage } from './tabs.js';
import { messageLine, showMessage } from './view.js';
import { LOG_LEVELS, type LogLine, type LogsPage } from './wire.js';

const POLL_MS = 2000;
const FIRST_PAGE = 500;
/** Lines kept on the page; older ones are dropped from the top. */
const MAX_SHOWN = 2000;

function fieldsText(fields: Record<string, unknown>): string {
  const entries = Object.entries(fields);
  if (entries.length === 0) return '';
  const text = entries.map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' ');
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

function lineElement(line: LogLine): HTMLElement {
  const fields = fieldsText(line.fields);
  return el('li', { className: 'log-line', 'data-level': line.level, 'data-testid': 'log-line' }, [
    el('time', { dateTime: new Date(line.time).toISOString(), className: 'log-time' }, [formatClock(line.time)]),
    el('span', { className: `log-level level-${line.level}` }, [line.level]),
    el('span', { className: 'log-msg' }, [line.msg]),
    fields ? el('span', { className: 'log-fields' }, [fields]) : '',
  ]);
}

export function logsPage(connection: Connection): DashboardPage {
  const level = el('select', { id: 'logs-level', 'data-testid': 'logs-level' }, [
    el('option', { value: '' }, ['all levels']),
    ...LOG_LEVELS.map((name) => el('option', { value: name }, [`${name} and above`])),
  ]);
  const search = el('input', { type: 'search', id: 'logs-search', placeholder: 'text in the message', autocomplete: 'off', 'data-testid': 'logs-search' });
  const follow = el('input', { type: 'checkbox', id: 'logs-follow', checked: true, 'data-testid': 'logs-follow' });
  const clear = button('Clear logs', () => void clearLogs(), { 'data-testid': 'logs-clear', title: 'Remove every line from the server\'s log buffer (for every viewer)' });
  const info = el('span', { className: 'muted', 'data-testid': 'logs-info' });
  const message = messageLine('logs-message');
  const list = el('ol', { className: 'log-lines', 'data-testid': 'log-lines', 'aria-label': 'Log lines, oldest first' });
  const element = el('div', { className: 'logs' }, [
    el('div', { className: 'toolbar-row' }, [
      el('label', { for: 'logs-level' }, ['Level']), level,
      el('label', { for: 'logs-search' }, ['Filter']), search,
      el('label', { className: 'check' }, [follow, 'Follow new lines']),
      clear,
    ]),
    el('div', { className: 'toolbar-row' }, [info, message]),
    list,
  ]);
  let after: number | undefined;
  let generation = 0;

  const reset = () => {
    generation++;
    after = undefined;
    list.replaceChildren();
  };

  const tick = async () => {
    const asked = generation;
    const query = new URLSearchParams();
    if (level.value) query.set('level', level.value);
    if (search.value.trim()) query.set('q', search.value.trim());
    if (after === undefined) query.set('limit', String(FIRST_PAGE));
    else query.set('after', String(after));
    const page = await getJson<LogsPage>(`/api/logs?${query}`);
    if (asked !== generation) return;
    after = page.lastSeq;
    list.append(...page.lines.map(lineElement));
    while (list.childElementCount > MAX_SHOWN) list.firstElementChild!.remove();
    if (follow.checked && page.lines.length > 0) list.scrollTop = list.scrollHeight;
    info.textContent = page.capturing
      ? `${list.childElementCount} shown · ${page.size} of ${page.capacity} lines held by the server${page.overwritten > 0 ? ` (${page.overwritten} older lines overwritten)` : ''}`
      : 'This server does not capture its log (it was started without a log buffer): no line will appear here.';
    if (list.childElementCount === 0 && page.capturing) info.textContent += ' · no line matches';
    connection.ok();
  };

  async function clearLogs(): Promise<void> {
    try {
      const answer = (await (await request('/api/logs', { method: 'DELETE' })).json()) as { cleared: number };
      reset();
      showMessage(message, `Cleared ${answer.cleared} line${answer.cleared === 1 ? '' : 's'}.`, 'ok');
      await polling.refresh();
    } catch (error) {
      showMessage(message, `Could not clear the logs: ${describeError(error)}`, 'error');
    }
  }

  const refilter = () => {
    reset();
    showMessage(message, '', 'info');
    void polling.refresh();
  };
  level.addEventListener('change', refilter);
  let typing: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(refilter, 300);
  });

  const polling = pollWhileShown(tick, POLL_MS, (error) => connection.failed(error));
  return {
    id: 'logs',
    title: 'Logs',
    element,
    ...polling,
  };
}
