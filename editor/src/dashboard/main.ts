/**
 * The dashboard's entry point (a second page of the editor bundle, served at /dashboard): takes
 * the API token from the address (as the editor does), reads the settings' JSON Schema the
 * server wrote into the page, and mounts the four pages as tabs — System, Metrics, Logs,
 * Settings — with the connection line and the header's Refresh button.
 */
import '../theme.css';
import './dashboard.css';
import { captureTokenFromAddress } from '../api.js';
import { button } from '../ui/dom.js';
import { mountConnection } from './connection.js';
import { logsPage } from './logs-page.js';
import { metricsPage } from './metrics-page.js';
import { settingsPage } from './settings-page.js';
import { statusPage } from './status-page.js';
import { mountTabs } from './tabs.js';
import type { JsonSchema } from './wire.js';

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element;
}

function pageSettingsSchema(): JsonSchema {
  try {
    const parsed: unknown = JSON.parse(document.getElementById('switchyard-settings-schema')?.textContent ?? '{}');
    return parsed !== null && typeof parsed === 'object' ? (parsed as JsonSchema) : {};
  } catch {
    return {};
  }
}

function start(): void {
  captureTokenFromAddress();
  const connection = mountConnection(byId('dash-connection'), byId('dash-token'));
  const pages = [statusPage(connection), metricsPage(connection), logsPage(connection), settingsPage(connection, pageSettingsSchema())];
  const tabs = mountTabs(byId('dash-tabs'), byId('dash-pages'), pages);
  const refresh = button('Refresh', () => tabs.current.refresh(), { 'data-testid': 'refresh', title: 'Fetch the shown page again now' });
  byId('dash-tabs').after(refresh);
  connection.onTokenChange(() => tabs.current.refresh());
  document.body.dataset.ready = 'true';
}

try {
  start();
} catch (error) {
  const line = document.getElementById('dash-connection');
  if (line) {
    line.textContent = `The dashboard could not start: ${error instanceof Error ? error.message : String(error)}`;
    line.dataset.kind = 'error';
  }
  document.body.dataset.ready = 'failed';
}
