/**
 * The dock beside the canvas: a tab strip (arrow keys move between tabs, as in any tablist)
 * and one panel per tab, and a button that folds the dock into a thin strip so the canvas gets
 * the room. Which tab is open and whether the dock is folded are remembered per browser.
 */
import { button, el } from '../ui/dom.js';

const STORAGE_KEY = 'switchyard.dock';

export interface DockTab {
  id: string;
  label: string;
  panel: HTMLElement;
}

export interface Dock {
  select(id: string): void;
  setCollapsed(collapsed: boolean): void;
  /** The small count shown on a tab (hidden when empty). */
  setBadge(id: string, text: string): void;
}

interface Saved {
  tab?: string;
  collapsed?: boolean;
}

function readSaved(): Saved {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Saved) : {};
  } catch {
    return {};
  }
}

export function mountDock(host: HTMLElement, tabs: DockTab[]): Dock {
  const saved = readSaved();
  let current = tabs.find((tab) => tab.id === saved.tab)?.id ?? tabs[0]!.id;
  // Folded by default on a narrow window, where the dock would take the canvas's room.
  let collapsed = saved.collapsed ?? window.matchMedia('(max-width: 720px)').matches;
  const badges = new Map<string, HTMLElement>();
  const tabButtons = tabs.map((tab) => {
    const badge = el('span', { className: 'dock-badge', hidden: true, 'data-testid': `dock-badge-${tab.id}` });
    badges.set(tab.id, badge);
    const tabButton = el('button', {
      type: 'button', role: 'tab', id: `dock-tab-${tab.id}`, 'aria-controls': `dock-panel-${tab.id}`, 'data-testid': `dock-tab-${tab.id}`, className: 'dock-tab',
    }, [tab.label, badge]);
    tabButton.addEventListener('click', () => {
      select(tab.id);
      if (collapsed) setCollapsed(false);
    });
    return tabButton;
  });
  const tablist = el('div', { role: 'tablist', 'aria-label': 'Runs and results', className: 'dock-tabs' }, tabButtons);
  tablist.addEventListener('keydown', (event) => {
    const index = tabButtons.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    let next: number | undefined;
    if (step !== undefined) next = (index + step + tabButtons.length) % tabButtons.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = tabButtons.length - 1;
    if (next === undefined) return;
    event.preventDefault();
    select(tabs[next]!.id);
    tabButtons[next]!.focus();
  });
  const toggle = button('', () => setCollapsed(!collapsed), { className: 'dock-toggle', 'aria-controls': 'dock-panels', 'data-testid': 'dock-toggle' });
  const panels = el('div', { id: 'dock-panels', className: 'dock-panels' }, tabs.map((tab) => {
    tab.panel.id = `dock-panel-${tab.id}`;
    tab.panel.setAttribute('role', 'tabpanel');
    tab.panel.setAttribute('aria-labelledby', `dock-tab-${tab.id}`);
    tab.panel.classList.add('dock-panel');
    return tab.panel;
  }));
  host.classList.add('run-dock');
  host.replaceChildren(el('div', { className: 'dock-bar' }, [tablist, toggle]), panels);

  const save = () => {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify({ tab: current, collapsed }));
    } catch {
      // Not remembered; the dock still works.
    }
  };
  const render = () => {
    tabs.forEach((tab, index) => {
      const selected = tab.id === current;
      tabButtons[index]!.setAttribute('aria-selected', String(selected));
      tabButtons[index]!.tabIndex = selected ? 0 : -1;
      tab.panel.hidden = !selected || collapsed;
    });
    host.dataset.collapsed = String(collapsed);
    panels.hidden = collapsed;
    toggle.setAttribute('aria-expanded', String(!collapsed));
    toggle.setAttribute('aria-label', collapsed ? 'Show the runs panel' : 'Hide the runs panel');
    toggle.title = collapsed ? 'Show the runs panel' : 'Hide the runs panel';
    toggle.textContent = collapsed ? '‹' : '›';
  };
  function select(id: string): void {
    if (!tabs.some((tab) => tab.id === id)) return;
    current = id;
    save();
    render();
  }
  function setCollapsed(value: boolean): void {
    collapsed = value;
    save();
    render();
  }
  render();
  return {
    select,
    setCollapsed,
    setBadge(id, text) {
      const badge = badges.get(id);
      if (!badge) return;
      badge.textContent = text;
      badge.hidden = text === '';
    },
  };
}
