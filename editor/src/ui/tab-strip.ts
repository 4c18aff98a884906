/**
 * The strip of open workflows above the canvas: one tab per workflow with its name and "•"
 * while it has unsaved changes, a close button per tab, and "+" for a new empty tab. Tabs are
 * buttons (keyboard reachable); Left/Right move between them.
 *
 * The strip is rebuilt only when what it shows changes (tabs, labels, markers, the current tab):
 * the tabs signal changes often (every undo step), and a rebuild under a pressed mouse button
 * swallows the click, as it would drop the keyboard focus. When it does rebuild, the focus stays
 * on the same tab's control.
 */
import './editing.css';
import { tabLabel, type Tabs } from '../app/tabs.js';
import { button, el } from './dom.js';

export function mountTabStrip(host: HTMLElement, tabs: Tabs): void {
  host.setAttribute('role', 'tablist');
  host.setAttribute('aria-label', 'Open workflows');
  const newTab = button('+', () => tabs.newTab(), { className: 'tab-new', 'aria-label': 'New tab', title: 'New tab (empty workflow)', 'data-testid': 'tab-new' });
  let shown = '';
  const render = () => {
    const active = tabs.active();
    const list = tabs.list();
    const signature = JSON.stringify([active.id, list.map((tab) => [tab.id, tabLabel(tab), tab.modified])]);
    if (signature === shown) return;
    shown = signature;
    // Where the focus is inside the strip, to put it back on the same control after the rebuild.
    const focused = document.activeElement instanceof HTMLElement && host.contains(document.activeElement) ? document.activeElement : undefined;
    const focusedTab = focused?.closest<HTMLElement>('.tab')?.dataset.tabId;
    const focusedClass = focused?.classList.contains('tab-close') ? 'tab-close' : 'tab-select';
    const items = list.map((tab, index) => {
      const selected = tab === active;
      const label = tabLabel(tab);
      const select = button(`${label}${tab.modified ? ' •' : ''}`, () => tabs.switchTo(tab.id), {
        role: 'tab',
        className: 'tab-select',
        'aria-selected': String(selected),
        title: tab.modified ? `${label} (unsaved changes)` : label,
        'data-testid': 'tab',
        'data-label': label,
        tabindex: selected ? '0' : '-1',
      });
      select.addEventListener('keydown', (event) => {
        const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
        if (step === 0) return;
        event.preventDefault();
        const next = list[(index + step + list.length) % list.length]!;
        tabs.switchTo(next.id);
        host.querySelector<HTMLButtonElement>(`.tab[data-tab-id="${next.id}"] .tab-select`)?.focus();
      });
      const close = button('×', () => void tabs.close(tab.id), { className: 'tab-close', 'aria-label': `Close ${label}`, title: `Close ${label}`, 'data-testid': 'tab-close' });
      return el('div', { className: `tab${selected ? ' active' : ''}`, 'data-tab-id': String(tab.id) }, [select, close]);
    });
    host.replaceChildren(...items, newTab);
    if (focused === newTab) newTab.focus();
    else if (focusedTab !== undefined) host.querySelector<HTMLElement>(`.tab[data-tab-id="${focusedTab}"] .${focusedClass}`)?.focus();
  };
  tabs.onChange(render);
  render();
}
