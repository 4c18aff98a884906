/**
 * The editor toolbar's link to the dashboard (the one piece of the dashboard the editor's
 * bundle carries). The page's shell is public when the server requires a token, like the
 * editor's own page; it asks for the token itself.
 */
import './toolbar-link.css';
import { el } from '../ui/dom.js';

export const DASHBOARD_ADDRESS = '/dashboard';

export function dashboardLink(): HTMLAnchorElement {
  return el('a', { href: DASHBOARD_ADDRESS, className: 'dashboard-link', title: 'Server status, metrics, logs and settings', 'data-testid': 'dashboard-link' }, ['Dashboard']);
}
