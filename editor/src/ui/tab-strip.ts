/**
 * The strip of open workflows above the canvas: one tab per workflow with its name and "•"
 * while it has unsaved changes, a close button per tab, and "+" for a new empty tab. Tabs are
 * buttons (keyboard reachable); Left/Right move between them.
 */
import './editing.css';
import { tabLabel, type Tabs } from '../app/tabs.js';
import { button, el } from './dom.js';

export function mountTabStrip(host: HTMLElement, tabs: Tabs): void {
  host.setAttribute('role', 'tablist');
  host.setAttribute('aria-label', 'Open workflows');
  const render = () => {
    const active = tabs.active();
    const list = tabs.list();
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
    host.replaceChildren(...items, button('+', () => tabs.newTab(), { className: 'tab-new', 'aria-label': 'New tab', title: 'New tab (empty workflow)', 'data-testid': 'tab-new' }));
  };
  tabs.onChange(render);
  render();
}
