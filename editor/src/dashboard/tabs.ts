/**
 * The dashboard's pages as an ARIA tab list: one tab per page, the address's hash says which
 * is shown (`/dashboard#logs`: each page has its own address to bookmark or share),
 * arrow keys, Home and End move between tabs (roving tabindex), Enter/Space/click select.
 * Only the shown page polls the server: the others are told to stop.
 */
import { el } from '../ui/dom.js';

export interface DashboardPage {
  readonly id: string;
  readonly title: string;
  readonly element: HTMLElement;
  /** Starts showing (fetching and polling). */
  show(): void;
  /** Stops polling. */
  hide(): void;
  /** Fetches again now (the Refresh button, a new token). */
  refresh(): void;
}

export interface Tabs {
  select(id: string, focus?: boolean): void;
  readonly current: DashboardPage;
}

export function mountTabs(tabList: HTMLElement, pagesHost: HTMLElement, pages: DashboardPage[]): Tabs {
  const tabs = new Map<string, HTMLButtonElement>();
  const panels = new Map<string, HTMLElement>();
  let current = pages[0]!;
  for (const page of pages) {
    const tab = el('button', {
      type: 'button', role: 'tab', id: `tab-${page.id}`, 'aria-controls': `page-${page.id}`, 'aria-selected': 'false', tabindex: '-1', 'data-testid': `tab-${page.id}`,
    }, [page.title]);
    tab.addEventListener('click', () => select(page.id, false));
    tabs.set(page.id, tab);
    const panel = el('section', { role: 'tabpanel', id: `page-${page.id}`, 'aria-labelledby': `tab-${page.id}`, className: 'dash-page', 'data-testid': `page-${page.id}` }, [page.element]);
    panel.hidden = true;
    panels.set(page.id, panel);
  }
  tabList.replaceChildren(...tabs.values());
  pagesHost.replaceChildren(...panels.values());

  function select(id: string, focus = false): void {
    const page = pages.find((p) => p.id === id) ?? pages[0]!;
    if (page !== current || panels.get(page.id)!.hidden) {
      current.hide();
      for (const p of pages) {
        const selected = p === page;
        tabs.get(p.id)!.setAttribute('aria-selected', String(selected));
        tabs.get(p.id)!.tabIndex = selected ? 0 : -1;
        panels.get(p.id)!.hidden = !selected;
      }
      current = page;
      document.title = `${page.title} — Switchyard dashboard`;
      if (window.location.hash !== `#${page.id}`) window.history.replaceState(null, '', `#${page.id}`);
      page.show();
    }
    if (focus) tabs.get(page.id)!.focus();
  }

  tabList.addEventListener('keydown', (event) => {
    const index = pages.indexOf(current);
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: pages.length - 1 };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    select(pages[(target + pages.length) % pages.length]!.id, true);
  });
  window.addEventListener('hashchange', () => select(window.location.hash.slice(1)));
  select(window.location.hash.slice(1));
  return {
    select,
    get current() {
      return current;
    },
  };
}
