/**
 * The System page: `GET /api/health` in cards (server, execution providers, CPU and GPUs,
 * memory, queue, cache), the loaded models with unload buttons, and the node packs with the
 * ones that failed to load and why. Health and models are polled while the page is shown;
 * packs only change at a restart, so they are read once per showing.
 */
import { getJson } from '../api.js';
import { el } from '../ui/dom.js';
import type { Connection } from './connection.js';
import { formatBytes, formatPercent, formatUptime } from './format.js';
import { modelsPanel } from './models-panel.js';
import { pollWhileShown } from './poller.js';
import type { DashboardPage } from './tabs.js';
import { badge, card, facts, muted, table } from './view.js';
import type { HealthReport, PackReport } from './wire.js';

const POLL_MS = 5000;

function serverCard(health: HealthReport): HTMLElement {
  return card('Server', [
    el('p', { className: 'health-state' }, [badge(health.status === 'ok' ? 'OK' : 'Degraded', health.status, undefined), health.closing ? ' shutting down' : '']),
    health.problems.length > 0 ? el('ul', { className: 'problems', 'data-testid': 'health-problems' }, health.problems.map((p) => el('li', {}, [p]))) : null,
    facts([
      { label: 'Version', value: health.version, testId: 'health-version' },
      { label: 'Uptime', value: formatUptime(health.uptimeSeconds), testId: 'health-uptime' },
      { label: 'Node.js', value: health.node },
      { label: 'Platform', value: `${health.platform} ${health.arch}` },
      { label: 'Process', value: `pid ${health.pid}` },
    ]),
  ], 'card-server');
}

function providersCard(health: HealthReport): HTMLElement {
  const { onnxruntime: ort, sessions } = health;
  return card('Execution providers', [
    ort.loaded ? null : el('p', { className: 'error-text' }, [`onnxruntime did not load: ${ort.error ?? 'unknown reason'}`]),
    facts([
      { label: 'onnxruntime', value: ort.version ?? 'not loaded' },
      { label: 'Available here', value: ort.available.join(', ') || 'none', testId: 'providers-available' },
      { label: 'Configured', value: sessions.providers.join(', '), testId: 'providers-configured' },
      { label: 'Threads', value: `${sessions.intraOpThreads} per operator, ${sessions.interOpThreads} across operators`, testId: 'providers-threads' },
    ]),
    sessions.unavailable.length > 0 ? el('p', { className: 'error-text' }, [`Configured but not available here: ${sessions.unavailable.join(', ')}. Change the executionProviders setting.`]) : null,
    table('Providers this onnxruntime knows', ['Provider', 'Installed', 'Usable here'], ort.providers.map((p) => [
      p.name, p.installed ? (p.bundled ? 'yes (bundled)' : 'yes') : 'no', ort.available.includes(p.name) ? 'yes' : 'no',
    ])),
  ], 'card-providers');
}

function machineCard(health: HealthReport): HTMLElement {
  const gpus = health.gpu.devices;
  return card('CPU and GPU', [
    facts([
      { label: 'CPU', value: `${health.cpu.model} × ${health.cpu.count}`, testId: 'health-cpu' },
      { label: 'Load average', value: health.cpu.loadAverage.map((n) => n.toFixed(2)).join(' / ') },
    ]),
    gpus.length === 0
      ? muted(`No GPU listed: ${health.gpu.reason ?? 'none found'}.`, 'health-gpu')
      : table('GPUs', ['GPU', 'Memory used', 'Utilisation', 'Driver'], gpus.map((gpu) => [
        `${gpu.index}: ${gpu.name}`,
        `${formatBytes(gpu.memoryUsedBytes)} of ${formatBytes(gpu.memoryTotalBytes)}`,
        gpu.utilizationPercent === null ? '—' : `${gpu.utilizationPercent} %`,
        gpu.driverVersion ?? '—',
      ]), 'health-gpu'),
  ], 'card-machine');
}

function memoryCard(health: HealthReport): HTMLElement {
  const { process: proc, system } = health.memory;
  return card('Memory', [facts([
    { label: 'Process (RSS)', value: formatBytes(proc.rssBytes), testId: 'health-rss' },
    { label: 'JS heap', value: `${formatBytes(proc.heapUsedBytes)} of ${formatBytes(proc.heapTotalBytes)}` },
    { label: 'Native (external)', value: formatBytes(proc.externalBytes) },
    { label: 'System', value: `${formatBytes(system.totalBytes - system.freeBytes)} used of ${formatBytes(system.totalBytes)}` },
  ])], 'card-memory');
}

function queueCacheCard(health: HealthReport): HTMLElement {
  const { queue, cache } = health;
  const lookups = cache.hits + cache.misses;
  return card('Queue and cache', [facts([
    { label: 'Queue', value: `${queue.queued} queued, ${queue.running} running, ${queue.finished} finished`, testId: 'health-queue' },
    { label: 'Cache', value: `${cache.entries} entries, ${formatBytes(cache.bytes)} of ${formatBytes(cache.maxBytes)}`, testId: 'health-cache' },
    { label: 'Cache hits', value: `${cache.hits} of ${lookups} lookups (${formatPercent(lookups > 0 ? cache.hits / lookups : null)}), ${cache.evictions} evicted` },
    { label: 'Log buffer', value: health.logs.capturing ? `${health.logs.lines} of ${health.logs.capacity} lines` : 'not captured' },
  ])], 'card-queue');
}

function packsCard(packs: PackReport): HTMLElement {
  return card('Node packs', [
    table('Loaded packs', ['Pack', 'Version', 'Source', 'Nodes', 'Description'], packs.loaded.map((p) => [
      p.name, p.version, p.source, String(p.nodeTypes.length), p.description ?? '',
    ]), 'packs-loaded'),
    el('h3', {}, ['Failed to load']),
    packs.failed.length === 0
      ? muted('No pack failed to load.', 'packs-failed')
      : el('ul', { className: 'problems', 'data-testid': 'packs-failed' }, packs.failed.map((p) => el('li', {}, [
        el('strong', {}, [p.name ?? p.path]), ` (${p.source}, ${p.code}): ${p.reason}`, p.name ? el('span', { className: 'muted' }, [` — ${p.path}`]) : '',
      ]))),
  ], 'card-packs');
}

export function statusPage(connection: Connection): DashboardPage {
  const healthHost = el('div', { className: 'cards', 'data-testid': 'health-cards' }, [muted('Loading…')]);
  const models = modelsPanel();
  const packsHost = el('div', { className: 'cards cards-wide' });
  const element = el('div', {}, [healthHost, models.element, packsHost]);

  const loadPacks = async () => {
    packsHost.replaceChildren(packsCard(await getJson<PackReport>('/api/packs')));
  };
  const tick = async () => {
    const [health] = await Promise.all([getJson<HealthReport>('/api/health'), models.refresh()]);
    healthHost.replaceChildren(serverCard(health), providersCard(health), machineCard(health), memoryCard(health), queueCacheCard(health));
    connection.ok();
  };
  const polling = pollWhileShown(tick, POLL_MS, (error) => connection.failed(error));
  const packs = () => loadPacks().catch((error: unknown) => connection.failed(error));
  return {
    id: 'status',
    title: 'System',
    element,
    show() {
      polling.show();
      void packs();
    },
    hide: polling.hide,
    refresh() {
      void polling.refresh();
      void packs();
    },
  };
}
