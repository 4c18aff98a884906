/**
 * The Metrics page: `GET /api/metrics` polled every few seconds. Totals since start in cards
 * (runs by outcome, node time, cache, models, memory, HTTP requests), the server's rolling
 * series (a sample every 5 s, the last few minutes) as small charts — runs finished, mean node
 * time, cache hit rate, queue depth, memory — and the node types that took the most time.
 */
import { getJson } from '../api.js';
import { el } from '../ui/dom.js';
import { drawChart } from './chart.js';
import type { Connection } from './connection.js';
import { formatBytes, formatCount, formatMs, formatPercent, formatUptime } from './format.js';
import { pollWhileShown } from './poller.js';
import type { DashboardPage } from './tabs.js';
import { card, facts, muted, table } from './view.js';
import type { MetricsSnapshot } from './wire.js';

const POLL_MS = 3000;

function totals(m: MetricsSnapshot): HTMLElement[] {
  const f = m.runs.finished;
  return [
    card('Runs', [facts([
      { label: 'Submitted', value: formatCount(m.runs.submitted), testId: 'metrics-submitted' },
      { label: 'Finished', value: `${f.success} succeeded, ${f.error} failed, ${f.interrupted} interrupted, ${f.cancelled} cancelled`, testId: 'metrics-finished' },
      { label: 'Mean duration', value: formatMs(m.runs.duration.meanMs) },
      { label: 'Queue now', value: `${m.queue.queued} queued, ${m.queue.running} running` },
    ])]),
    card('Nodes and cache', [facts([
      { label: 'Nodes executed', value: `${formatCount(m.nodes.executed)} in ${formatMs(m.nodes.totalMs)}` },
      { label: 'Cache hit rate', value: `${formatPercent(m.cache.hitRate)} (${m.cache.hits} hits, ${m.cache.misses} misses)`, testId: 'metrics-hit-rate' },
      { label: 'Cache', value: `${m.cache.entries} entries, ${formatBytes(m.cache.bytes)} of ${formatBytes(m.cache.maxBytes)}` },
    ])]),
    card('Models and process', [facts([
      { label: 'Models', value: `${m.models.loaded} loaded (${formatBytes(m.models.bytes)}), ${m.models.loads} loads since start` },
      { label: 'Memory', value: `${formatBytes(m.memory.rssBytes)} RSS, heap ${formatBytes(m.memory.heapUsedBytes)}` },
      { label: 'HTTP requests', value: formatCount(m.http.requests) },
      { label: 'Uptime', value: formatUptime(m.uptimeSeconds) },
    ])]),
  ];
}

function charts(m: MetricsSnapshot): HTMLElement[] {
  const samples = m.series.samples;
  const times = samples.map((s) => s.at);
  const every = `per ${Math.round(m.series.intervalMs / 1000)} s`;
  const count = (n: number) => formatCount(Math.round(n * 100) / 100);
  return [
    drawChart({ id: 'runs', title: 'Runs finished', subtitle: every, format: count, times, series: [
      { label: 'finished', className: 'series-a', values: samples.map((s) => s.runsFinished) },
      { label: 'failed', className: 'series-error', values: samples.map((s) => s.runsFailed) },
    ] }),
    drawChart({ id: 'node-time', title: 'Node time', subtitle: `mean per node, ${every}`, format: formatMs, times, series: [
      { label: 'mean', className: 'series-a', values: samples.map((s) => (s.nodesExecuted > 0 ? s.nodeMs / s.nodesExecuted : null)) },
    ] }),
    drawChart({ id: 'cache', title: 'Cache hit rate', subtitle: every, format: formatPercent, max: 1, times, series: [
      { label: 'hits', className: 'series-ok', values: samples.map((s) => s.cacheHitRate) },
    ] }),
    drawChart({ id: 'queue', title: 'Queue depth', subtitle: 'at each sample', format: count, times, series: [
      { label: 'queued', className: 'series-b', values: samples.map((s) => s.queued) },
      { label: 'running', className: 'series-a', values: samples.map((s) => s.running) },
    ] }),
    drawChart({ id: 'memory', title: 'Memory', subtitle: 'at each sample', format: formatBytes, times, series: [
      { label: 'RSS', className: 'series-a', values: samples.map((s) => s.rssBytes) },
      { label: 'heap', className: 'series-b', values: samples.map((s) => s.heapUsedBytes) },
    ] }),
  ];
}

function nodeTable(m: MetricsSnapshot): HTMLElement {
  return card('Node types by time', [
    m.nodes.byType.length === 0
      ? muted('No node has executed yet.')
      : table('Node types by total time', ['Node type', 'Runs', 'Mean', 'Total'], m.nodes.byType.slice(0, 15).map((n) => [
        n.type, formatCount(n.count), formatMs(n.meanMs), formatMs(n.totalMs),
      ]), 'node-types'),
    m.nodes.errors.length === 0 ? null : el('h3', {}, ['Node errors']),
    m.nodes.errors.length === 0 ? null : table('Node errors', ['Node type', 'Error code', 'Count'], m.nodes.errors.map((e) => [e.type, e.code, formatCount(e.count)])),
  ], 'card-node-types');
}

export function metricsPage(connection: Connection): DashboardPage {
  const totalsHost = el('div', { className: 'cards' }, [muted('Loading…')]);
  const chartsHost = el('div', { className: 'charts', 'data-testid': 'charts' });
  const tableHost = el('div', { className: 'cards cards-wide' });
  const element = el('div', {}, [totalsHost, chartsHost, tableHost]);
  const tick = async () => {
    const snapshot = await getJson<MetricsSnapshot>('/api/metrics');
    totalsHost.replaceChildren(...totals(snapshot));
    chartsHost.replaceChildren(...charts(snapshot));
    tableHost.replaceChildren(nodeTable(snapshot));
    connection.ok();
  };
  const polling = pollWhileShown(tick, POLL_MS, (error) => connection.failed(error));
  return {
    id: 'metrics',
    title: 'Metrics',
    element,
    ...polling,
  };
}
